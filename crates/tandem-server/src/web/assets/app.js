// Tandem's script, hand-written, no dependencies. The pages work without
// it; this adds what HTML cannot do alone: inline saves, drag and drop on
// the board and the timeline (each with a keyboard alternative), keyboard
// shortcuts, and live updates. Every listener is delegated from the
// document, so a page whose main content is swapped needs no re-wiring.
"use strict";
(function () {
  document.documentElement.classList.add("js");
  const ws = () => document.body.dataset.ws;
  const main = () => document.getElementById("main");

  // A message at the bottom of the page, with a link to follow or an
  // action to take back what was just done (Undo), for a while.
  function toast(message, link) {
    const box = document.getElementById("toast");
    if (!box) return;
    box.textContent = message;
    if (link && link.href) {
      const a = document.createElement("a");
      a.href = link.href;
      a.textContent = " " + link.text;
      box.appendChild(a);
    } else if (link && (link.undo || link.act)) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = link.undo ? "link undo" : "link act";
      button.textContent = link.undo ? "Undo" : link.label;
      button.addEventListener("click", async () => {
        box.classList.remove("show");
        await (link.undo || link.act)();
      });
      box.append(" ", button);
    }
    box.classList.add("show");
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => box.classList.remove("show"), link && (link.undo || link.act) ? 8000 : 4000);
  }

  // A refused field in words, as the server's error page writes it:
  // "End date must not be before start date."
  function sentence(field, message) {
    const words = (text) => text.replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (w) => w.replace(/_/g, " "));
    const days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    // As the server's `spoken_name`: fields people call something else.
    const spoken = {
      three_point: "three-point estimate", estimate_days: "estimate", effort_hours: "effort",
      lag_days: "lag", phase_id: "phase", milestone_id: "milestone",
    };
    const name = /^work_week\[[0-6]\]$/.test(field) ? days[Number(field[10])]
      : words((Object.hasOwn(spoken, field) && spoken[field]) || field.replace(/\[(\d+)\]/g, (_, i) => " " + (Number(i) + 1))).replace(/^./, (c) => c.toUpperCase());
    const text = words(message);
    const joined = /^[a-z]/.test(text) ? name + " " + text : /^[A-Z]/.test(text) ? text : name + ": " + text;
    return /[.!?]$/.test(joined) ? joined : joined + ".";
  }

  async function problem(response) {
    // A version met another: said as a person would, not as the API.
    if (response.status === 412) return "Someone changed this meanwhile: look again and retry.";
    try {
      const body = await response.json();
      if (body.errors && body.errors.length) return body.errors.map((e) => sentence(e.field, e.message)).join(" ");
      return body.detail || body.title || "Request failed (" + response.status + ")";
    } catch (_) {
      return "Request failed (" + response.status + ")";
    }
  }

  // A task changed through the JSON API, at the version the page showed.
  function patchTask(key, version, changes) {
    return fetch("/api/v1/workspaces/" + ws() + "/tasks/" + encodeURIComponent(key), {
      method: "PATCH",
      headers: { "content-type": "application/json", "if-match": '"' + version + '"' },
      body: JSON.stringify(changes),
      credentials: "same-origin",
    });
  }

  function postForm(url, fields) {
    return fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-tandem": "fetch" },
      body: new URLSearchParams(fields),
      credentials: "same-origin",
    });
  }

  // A form posted as a page (not saved in place) lands here with a
  // cookie saying it was done; what was done, the page it was sent from
  // noted (a delete says "Deleted.", not "Saved.").
  const done = sessionStorage.getItem("tandem_said");
  sessionStorage.removeItem("tandem_said");
  // A held delete sent as its page was left (a form posted as a page, a
  // link followed) is said here.
  const heldGone = sessionStorage.getItem("tandem_held");
  sessionStorage.removeItem("tandem_held");
  const flashed = /(?:^|; )tandem_flash=saved(?:;|$)/.test(document.cookie);
  if (flashed) document.cookie = "tandem_flash=; Path=/; Max-Age=0; SameSite=Lax";
  if ((flashed || heldGone) && ws()) {
    const words = [flashed ? done || "Saved." : "", heldGone || ""].filter(Boolean).join(" ");
    window.addEventListener("DOMContentLoaded", () => toast(words));
  }
  // On to `url`, which says the save was made, as after a form posted
  // as a page.
  function goOnSaved(url) {
    document.cookie = "tandem_flash=saved; Path=/; SameSite=Lax";
    location.href = url;
  }
  function said(form) {
    const action = form.getAttribute("action") || "";
    const words = [[/\/plan\/level$/, "Levelling applied."], [/\/plan\/level\/undo$/, "Levelling taken back."], [/\/delete$/, "Deleted."], [/\/remove$/, "Removed."], [/\/revoke$/, "Revoked."],
      [/\/unarchive$/, "Taken out of the archive."], [/\/archive$/, "Archived."]];
    const found = words.find(([pattern]) => pattern.test(action));
    return found ? found[1] : "Saved.";
  }

  // --- live updates: refetch this page, swap its main content ------------
  let pending = false;
  let busy = 0;
  // A press not yet released holds a redraw back: a click is the press
  // and the release on one element, and a page swapped between them
  // turns it into a click on nothing (a cell that does not open). The
  // release lets the refresh in after the click it makes, which may have
  // opened an edit that holds it further.
  let pressed = false;
  document.addEventListener("pointerdown", () => { pressed = true; }, true);
  const released = () => {
    if (!pressed) return;
    pressed = false;
    if (pending) setTimeout(() => { if (pending) refresh(); }, 0);
  };
  document.addEventListener("pointerup", released, true);
  document.addEventListener("pointercancel", released, true);
  // A form field that holds what the person typed or chose but has not
  // saved: swapping the page would throw it away.
  function unsaved(m) {
    return [...m.querySelectorAll("input, textarea, select")].some((f) => {
      if (f.type === "hidden" || f.dataset.field || f.dataset.aid || f.disabled) return false;
      if (f.type === "checkbox" || f.type === "radio") return f.checked !== f.defaultChecked;
      if (f.tagName === "SELECT") {
        // Without a `selected` option a single select starts on its first.
        const options = [...f.options];
        const drawn = options.some((o) => o.defaultSelected);
        return options.some((o, i) => o.selected !== (drawn ? o.defaultSelected : !f.multiple && i === 0));
      }
      return f.value !== f.defaultValue;
    });
  }
  function editing() {
    const el = document.activeElement;
    const m = main();
    if (busy > 0) return true;
    if (!m) return false;
    if (unsaved(m)) return true;
    if (!el || !m.contains(el)) return false;
    return /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || el.classList.contains("lifted");
  }
  // Held back: the page says so, and refreshes once the edits are saved
  // or undone.
  function hold() {
    pending = true;
    document.body.dataset.stale = "1";
  }
  // A write of this page's own on its way (a drag, a save) holds a
  // refresh back quietly: the page refreshes when the last one is done.
  function idle() {
    busy--;
    if (busy === 0 && pending && !editing()) setTimeout(() => { if (pending) refresh(); }, 0);
  }
  function held() {
    if (busy > 0 || pressed) { pending = true; return true; }
    if (editing() || (main() && main().dataset.extended)) {
      hold();
      redrawRegions();
      return true;
    }
    return false;
  }
  // The parts of a page that hold no edit (a task's heading and badges,
  // marked `data-region`) are drawn again while a form is being edited,
  // so they never tell of an older state than the form has merged.
  async function redrawRegions() {
    const m = main();
    if (!m || !m.querySelector("[data-region]")) return;
    const response = await fetch(location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    // The tab's title names the task as the heading does.
    if (doc.title) document.title = doc.title;
    for (const region of main().querySelectorAll("[data-region]")) {
      const fresh = doc.querySelector('[data-region="' + CSS.escape(region.dataset.region) + '"]');
      if (fresh && !region.contains(document.activeElement) && !unsaved(region)) region.replaceWith(fresh);
    }
  }
  // The newest change heard that the page may not show yet: a refresh
  // that finds the page drawn after it (its `data-seen`) has nothing to do.
  let heard = 0;
  function shows(id) {
    const m = main();
    return !!(m && id && Number(m.dataset.seen || 0) >= id);
  }
  async function refresh(force) {
    if (!force && heard && shows(heard)) { pending = false; delete document.body.dataset.stale; return; }
    if (!force && held()) return;
    pending = false;
    const response = await fetch(location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = doc.getElementById("main");
    const m = main();
    if (!fresh || !m) { hold(); return; }
    if (!force && held()) return;
    delete document.body.dataset.stale;
    const focused = document.activeElement;
    const focusKey = focused && (focused.id || focused.dataset.key);
    const scrollers = [...m.querySelectorAll(".gantt-wrap, .board, .table-wrap")].map((el) => [el.scrollLeft, el.scrollTop]);
    m.innerHTML = fresh.innerHTML;
    hideHeld();
    showNewToken();
    m.dataset.seen = fresh.dataset.seen || m.dataset.seen || "0";
    [...m.querySelectorAll(".gantt-wrap, .board, .table-wrap")].forEach((el, i) => {
      if (scrollers[i]) { el.scrollLeft = scrollers[i][0]; el.scrollTop = scrollers[i][1]; }
    });
    if (focusKey) {
      const again = document.getElementById(focusKey) || m.querySelector('[data-key="' + CSS.escape(focusKey) + '"][tabindex]');
      if (again) again.focus({ preventScroll: true });
    }
    document.dispatchEvent(new CustomEvent("tandem:refreshed"));
  }
  // A page names the kinds of change it shows, and its project if it is
  // one project's: only those changes refresh it (a member's hours belong
  // to no project but show on a project's workload).
  function concerns(change) {
    const m = main();
    if (!m || change.kind === "resync") return true;
    if (!(m.dataset.liveKinds || "").split(" ").includes(change.kind)) return false;
    const project = m.dataset.liveProject;
    if (!project) return true;
    return change.project ? change.project === project : change.kind === "member";
  }
  // A list row changed elsewhere: that row alone is fetched (the page
  // answers `only=KEY` with it) and swapped, unless it holds an edit.
  // A change to a task the page does not show (new, or now matching the
  // filters) refreshes the page instead: false.
  function redrawRow(key) {
    const m = main();
    const row = m && m.querySelector('tr[data-key="' + CSS.escape(key) + '"]');
    if (!row || !row.closest("#list-form")) return false;
    if (pressed) { pending = true; return true; }
    if (row.contains(document.activeElement) || unsaved(row)) { hold(); return true; }
    const url = new URL(location.href);
    url.searchParams.set("only", key);
    url.searchParams.delete("cursor");
    fetch(url, { credentials: "same-origin" }).then(async (response) => {
      if (!response.ok) return;
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = doc.querySelector('tr[data-key="' + CSS.escape(key) + '"]');
      // Opened for an edit while the row was on its way: kept, and the
      // page says it is stale.
      if (row.contains(document.activeElement) || unsaved(row)) { hold(); return; }
      if (pressed) { pending = true; return; }
      if (fresh) row.replaceWith(document.importNode(fresh, true));
      else row.remove();
    });
    return true;
  }

  // --- a member found by any part of a name ------------------------------
  // A box before each `select[data-find]` narrows its options to those
  // whose name (or email) holds what is typed, and picks the first of a
  // single choice: "Okafor" finds Ben. The box is a help, not a field: it
  // is not sent, and what it holds does not hold a refresh back.
  function findBoxes() {
    document.querySelectorAll("select[data-find]").forEach((select) => {
      const before = select.previousElementSibling;
      if (before && before.dataset.aid) return;
      const box = document.createElement("input");
      box.type = "search";
      box.className = "find-in";
      box.dataset.aid = "1";
      box.placeholder = "Type a name";
      box.setAttribute("aria-label", "Find a member by name for " + ((select.labels[0] || {}).textContent || "this field").trim());
      box.addEventListener("input", () => {
        const words = box.value.trim().toLowerCase();
        let first = null;
        for (const option of select.options) {
          const hit = !words || !option.value || option.textContent.toLowerCase().includes(words) || option.value.toLowerCase().includes(words);
          option.hidden = !hit;
          if (hit && option.value && !first) first = option;
        }
        if (!select.multiple && words && first) select.value = first.value;
      });
      box.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); select.focus(); } });
      select.before(box);
    });
  }
  document.addEventListener("tandem:refreshed", findBoxes);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", findBoxes);
  else findBoxes();

  // --- filters apply as they are chosen ---------------------------------
  document.addEventListener("change", (event) => {
    const form = event.target.closest("form.filters");
    if (form && event.target.matches("select, input[type=checkbox]")) form.requestSubmit();
  });
  // Words apply as they are typed, a moment after the last key: the
  // address takes the filters and the page's content is drawn again in
  // place, the caret staying in the box (a submit would take it away).
  let typing;
  document.addEventListener("input", (event) => {
    const box = event.target;
    if (!box.matches || !box.matches("form.filters input[type=search]")) return;
    clearTimeout(typing);
    typing = setTimeout(async () => {
      const params = new URLSearchParams();
      for (const [name, value] of new FormData(box.form)) if (value !== "") params.append(name, value);
      const url = new URL(box.form.getAttribute("action") || location.pathname, location.href);
      url.search = params.toString();
      history.replaceState(history.state, "", url);
      const searched = box.value;
      await refresh(true);
      const again = document.getElementById(box.id);
      if (!again || again === box) return;
      // Typed on while the page was fetched: kept, and searched next.
      if (box.value !== searched) {
        again.value = box.value;
        again.dispatchEvent(new Event("input", { bubbles: true }));
      }
      again.focus({ preventScroll: true });
      again.setSelectionRange(again.value.length, again.value.length);
    }, 300);
  });

  // --- windows: "Show more" links append the next rows or cards ---------
  // The link is the next window's own page (it works without the script);
  // here its rows are appended where the page shows them, and the link
  // moves on to the window after.
  document.addEventListener("click", async (event) => {
    const link = event.target.closest("a[data-append]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    const target = document.querySelector(link.dataset.append);
    const response = await fetch(link.href, { credentials: "same-origin" });
    if (!target || !response.ok) { location.href = link.href; return; }
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    const from = doc.querySelector(link.dataset.from || link.dataset.append);
    if (from) {
      const fresh = [...from.children].filter((el) => !el.classList.contains("group"));
      fresh.forEach((el) => target.appendChild(document.importNode(el, true)));
      if (target.dataset.shown) target.dataset.shown = Number(target.dataset.shown) + fresh.length;
    }
    main().dataset.extended = "1";
    const next = doc.querySelector("a[rel=next][data-append]");
    if (next) link.href = next.getAttribute("href");
    else link.closest(".more").remove();
    const shown = document.querySelector(".shown-count");
    if (shown) shown.textContent = document.querySelectorAll("#rows tr[data-key]").length;
    document.dispatchEvent(new CustomEvent("tandem:refreshed"));
  });

  let debounce;
  function soon() { clearTimeout(debounce); debounce = setTimeout(refresh, 120); }
  document.addEventListener("focusout", () => { if (pending) setTimeout(() => { if (pending) refresh(); }, 0); });
  // Undoing an edit by hand (back to what was saved) lets the refresh in.
  document.addEventListener("input", () => { if (pending && !editing()) soon(); });
  if (ws() && window.EventSource) {
    const source = new EventSource("/w/" + ws() + "/events");
    // A change names its kind and project (never a title): refresh only
    // when it is about what this page shows.
    source.addEventListener("change", (event) => {
      let change;
      try { change = JSON.parse(event.data); } catch (_) { change = { kind: "resync" }; }
      if (!concerns(change)) return;
      // Already on the page (it was drawn after it, by this page's own
      // save for one): nothing to fetch.
      if (shows(change.id)) return;
      heard = Math.max(heard, change.id || Number.MAX_SAFE_INTEGER);
      if (change.kind === "task" && change.key && redrawRow(change.key)) return;
      // A page grown by "more" windows would lose them to a whole refetch
      // of its first window: it says it is stale instead.
      if (main() && main().dataset.extended) { hold(); return; }
      soon();
    });
    source.addEventListener("open", () => document.body.dataset.live = "on");
    // Hang up when leaving, so the connection is free for the next page
    // (browsers allow six per server).
    window.addEventListener("pagehide", () => source.close());
  }

  // --- keyboard shortcuts ------------------------------------------------
  let prefix = null;
  document.addEventListener("keydown", (event) => {
    const t = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.isContentEditable) {
      if (event.key === "Escape") t.blur();
      return;
    }
    if (t.closest && (t.closest("li.card") || t.closest("g.bar"))) return;
    if (prefix === "g") {
      prefix = null;
      const link = document.querySelector('nav.tabs a[data-key="' + event.key + '"], nav.sections a[data-key="' + event.key + '"]');
      if (link) { event.preventDefault(); location.href = link.href; }
      return;
    }
    if (event.key === "g") { prefix = "g"; setTimeout(() => (prefix = null), 1500); return; }
    if (event.key === "/") {
      const box = document.getElementById("find");
      if (box) { event.preventDefault(); box.focus(); }
    } else if (event.key === "q" || event.key === "n") {
      const box = document.getElementById("quick-add");
      if (box) { event.preventDefault(); box.focus(); }
    } else if (event.key === "?") {
      const help = document.getElementById("help");
      if (help && help.showModal) { event.preventDefault(); help.showModal(); }
    } else if ((event.key === "j" || event.key === "k") && !(t.closest && t.closest("tr[data-key]"))) {
      // From anywhere else on a list or board, j or k starts at its
      // first row or card.
      const first = document.querySelector("table.tasks tr[data-key] a.key, li.card[tabindex]");
      if (first) { event.preventDefault(); first.focus(); }
    }
  });

  // --- forms that keep what was typed when a save is refused -------------
  // A refused field is marked beside itself, in words; a change made
  // meanwhile (412) shows the stored value beside each field it touched,
  // and the form takes the stored version, so saving again keeps what
  // this person typed, knowingly.
  function drawnValue(control) {
    if (control.tagName === "SELECT") {
      const drawn = [...control.options].find((o) => o.defaultSelected) || control.options[0];
      return drawn ? drawn.value : "";
    }
    if (control.type === "checkbox") return control.defaultChecked ? "true" : "false";
    return control.defaultValue;
  }
  function shownValue(control) {
    if (control.type === "checkbox") return control.checked ? "true" : "false";
    return control.value;
  }
  // A value from the server, shown and taken as the one drawn (so it is
  // not counted as this person's change).
  function showValue(control, value) {
    if (control.tagName === "SELECT") {
      [...control.options].forEach((o) => (o.defaultSelected = o.value === value));
      control.value = value;
    } else if (control.type === "checkbox") {
      control.defaultChecked = control.checked = value === "true";
    } else {
      control.defaultValue = value;
      control.value = value;
    }
  }
  function storedText(value) {
    if (value === null || value === undefined) return "";
    if (Array.isArray(value)) return value.map(storedText).join(", ");
    if (typeof value === "object") return value.email || value.key || value.name || "";
    return String(value);
  }
  function note(form, control, text, kind) {
    const span = document.createElement("span");
    span.className = "field-note " + kind;
    span.id = "note-" + (control.id || control.name) + "-" + kind;
    span.textContent = text;
    control.insertAdjacentElement("afterend", span);
    control.setAttribute("aria-describedby", span.id);
    if (kind === "refused") control.setAttribute("aria-invalid", "true");
  }
  // The fields a save changes, each with the value the page drew: what
  // its Undo puts back.
  function changed(form) {
    const before = [];
    for (const c of form.elements) {
      if (!c.name || c.type === "hidden" || c.type === "submit" || c.disabled) continue;
      if (c.multiple) {
        const drawn = [...c.options].filter((o) => o.defaultSelected).map((o) => o.value);
        const shown = [...c.selectedOptions].map((o) => o.value);
        if (drawn.join("\n") !== shown.join("\n")) before.push({ name: c.name, values: drawn });
      } else if (shownValue(c) !== drawnValue(c)) {
        before.push({ name: c.name, values: [drawnValue(c)] });
      }
    }
    return before;
  }
  // An edit taken back: the form as the page draws it now (the stored
  // values and version, so a change made meanwhile is refused, not
  // overwritten), with the fields the edit changed put back.
  async function undoEdit(action, before) {
    const form = document.querySelector('form[action="' + CSS.escape(action) + '"]');
    if (!form) { toast("That is no longer on this page."); return; }
    const fields = new FormData(form);
    for (const { name, values } of before) {
      const control = form.elements[name];
      fields.delete(name);
      if (control && control.type === "checkbox") {
        if (values[0] === "true") fields.append(name, control.value || "true");
      } else {
        values.forEach((v) => fields.append(name, v));
      }
    }
    busy++;
    try {
      const response = await postForm(action, fields);
      toast(response.ok ? "Put back as it was." : await problem(response));
    } finally {
      idle();
    }
    await refresh(true);
  }
  async function keepSave(form) {
    form.querySelectorAll(".field-note").forEach((n) => n.remove());
    form.querySelectorAll("[aria-invalid]").forEach((c) => c.removeAttribute("aria-invalid"));
    // Only an edit of something stored (it has a version) is undone by
    // saving again; a creation has its own delete.
    const before = form.elements.version && !form.dataset.then ? changed(form) : [];
    const action = form.getAttribute("action");
    const status = form.elements.status;
    const done = status && status.value === "done" && before.some((c) => c.name === "status");
    busy++;
    try {
      const response = await postForm(form.action, new FormData(form));
      if (response.ok) {
        // A form whose save changes more than the page's main content (a
        // name in the header) or ends the page (a delete) goes on to its
        // next page, which says it was saved.
        if (form.dataset.then) {
          goOnSaved(form.dataset.then);
          return;
        }
        await refresh(true);
        const said = done && form.dataset.key ? form.dataset.key + " done." : "Saved.";
        toast(said, before.length ? { undo: () => undoEdit(action, before) } : undefined);
        return;
      }
      if (response.status === 422) {
        const body = await response.json();
        const loose = [];
        let first = null;
        for (const e of body.errors || []) {
          const name = e.field.replace(/\[\d+\]$/, "");
          const control = form.elements[name] || form.querySelector('[name^="' + name + '."]');
          if (control && control.insertAdjacentElement) {
            note(form, control, sentence(e.field, e.message), "refused");
            first = first || control;
          } else {
            loose.push(sentence(e.field, e.message));
          }
        }
        if (loose.length) {
          const alert = document.createElement("p");
          alert.className = "field-note refused";
          alert.setAttribute("role", "alert");
          alert.textContent = loose.join(" ");
          form.prepend(alert);
        }
        if (first) first.focus();
        toast("Not saved: what to correct is marked beside it.");
      } else if (response.status === 412 && form.dataset.current) {
        // An item of a list (a phase, a milestone) is read from the list.
        const read = await (await fetch(form.dataset.current, { credentials: "same-origin" })).json();
        const current = Array.isArray(read) ? read.find((item) => String(item.id) === form.dataset.currentId) : read;
        if (!current) {
          toast("Not saved: it was deleted meanwhile.");
          await refresh(true);
          return;
        }
        let kept = 0;
        for (const control of form.elements) {
          if (!control.name || control.type === "hidden" || control.multiple || !(control.name in current)) continue;
          const now = storedText(current[control.name]);
          const drawn = drawnValue(control);
          if (now === drawn) continue;
          const option = control.tagName === "SELECT" && [...control.options].find((o) => o.value === now);
          const words = option ? option.textContent : now || "nothing";
          if (shownValue(control) === drawn) {
            // Not touched here: theirs is taken, so saving again keeps
            // both changes instead of putting back what was drawn.
            showValue(control, now);
            note(form, control, "Taken from the change made meanwhile: " + words, "merge");
          } else {
            note(form, control, "Changed meanwhile to: " + words, "merge");
            kept++;
          }
        }
        form.elements.version.value = current.version;
        redrawRegions();
        toast(kept
          ? "Someone changed this meanwhile: their values are beside yours. Save again to keep yours."
          : "Someone changed other fields meanwhile: their values are in the form now. Save again to add yours.");
      } else {
        toast(await problem(response));
      }
    } finally {
      idle();
    }
  }

  // A delete held back: nothing is deleted while its Undo shows; then
  // (or when the page is left first) it is sent. A task's page goes on
  // to `data-then`; a row of a list (a phase, a milestone, a
  // stakeholder) stays hidden meanwhile, through any redraw of the page
  // (`hideHeld`). A second delete sends the first at once: its Undo left
  // with its toast.
  // A token just created, shown once above the list (and again after any
  // redraw of the page, until the page is left).
  let newToken = null;
  function showNewToken() {
    const intro = newToken && !document.getElementById("new-token")
      && document.querySelector("section[aria-labelledby=h-tokens] > p.muted");
    if (!intro) return;
    const panel = document.createElement("div");
    panel.className = "alert created";
    panel.setAttribute("role", "status");
    const said = document.createElement("p");
    const name = document.createElement("strong");
    name.textContent = newToken.name;
    said.append("Token ", name, " created. Copy it now; it is not shown again.");
    const label = document.createElement("label");
    label.htmlFor = "new-token";
    label.textContent = "Your new token";
    const input = document.createElement("input");
    input.id = "new-token";
    input.readOnly = true;
    input.autocomplete = "off";
    input.value = newToken.token || "";
    panel.append(said, label, input);
    intro.after(panel);
  }
  const holding = new Map();
  function heldRow(action) {
    const form = document.querySelector('form.held[action="' + CSS.escape(action) + '"]');
    return form && !form.dataset.then ? form.closest("li") : null;
  }
  function hideHeld() {
    for (const action of holding.keys()) {
      const row = heldRow(action);
      if (row) row.hidden = true;
    }
  }
  function holdDelete(form) {
    for (const now of [...holding.values()]) now(true);
    const action = form.getAttribute("action");
    const name = form.dataset.name;
    const gone = form.dataset.gone || "deleted";
    const page = !!form.dataset.then;
    const body = new URLSearchParams(new FormData(form));
    const m = main();
    const send = () => fetch(form.action, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-tandem": "fetch" },
      body,
      credentials: "same-origin",
      keepalive: true,
    });
    const hide = (on) => {
      if (page && m) m.toggleAttribute("inert", on);
      const row = heldRow(action);
      if (row) row.hidden = on;
      if (on) document.body.dataset.deleting = name;
      else delete document.body.dataset.deleting;
    };
    let settled = false;
    let timer = 0;
    const leaving = () => {
      if (settled) return;
      send();
      sessionStorage.setItem("tandem_held", name + " " + gone + ".");
    };
    const settle = () => {
      settled = true;
      holding.delete(action);
      clearTimeout(timer);
      window.removeEventListener("pagehide", leaving);
    };
    const go = async (quiet) => {
      if (settled) return;
      settle();
      const response = await send();
      if (response.ok && page) {
        sessionStorage.setItem("tandem_said", name + " " + gone + ".");
        goOnSaved(form.dataset.then);
        return;
      }
      if (response.ok) {
        const row = heldRow(action);
        if (row) row.remove();
        delete document.body.dataset.deleting;
        if (!quiet) toast(name + " " + gone + ".");
      } else {
        hide(false);
        toast(response.status === 412
          ? name + " was changed meanwhile, so it was not " + gone + ": look again, and retry if you still mean it."
          : name + ": " + (await problem(response)));
      }
      idle();
    };
    window.addEventListener("pagehide", leaving);
    holding.set(action, go);
    hide(true);
    busy++;
    toast(name + " will be " + gone + ".", {
      undo: async () => {
        if (settled) return;
        settle();
        hide(false);
        idle();
        toast(name + " kept.");
      },
    });
    timer = setTimeout(() => go(false), 8000);
    // Focus leaves the hidden button for the way back.
    const undo = document.querySelector("#toast button.undo");
    if (undo) undo.focus();
  }

  // --- forms that save in place ------------------------------------------
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    // Deleting asks first; without a script the post goes straight on.
    if (form.matches("form.confirm") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (form.matches("form.keeps")) {
      event.preventDefault();
      await keepSave(form);
      return;
    }
    if (form.matches("form.import")) {
      // The file goes to the API as it is; the new project opens.
      event.preventDefault();
      const file = form.querySelector("input[type=file]").files[0];
      if (!file) return;
      const query = new URLSearchParams();
      for (const name of ["key", "name"]) {
        const value = form.elements[name].value.trim();
        if (value) query.set(name, value);
      }
      const response = await fetch(form.action + "?" + query, {
        method: "POST",
        headers: { "content-type": "application/xml" },
        body: await file.text(),
        credentials: "same-origin",
      });
      if (response.ok) {
        const project = await response.json();
        goOnSaved("/w/" + ws() + "/p/" + project.key + "/timeline");
      } else {
        toast(await problem(response));
      }
      return;
    }
    if (form.matches("form.token-new")) {
      event.preventDefault();
      busy++;
      try {
        const response = await postForm(form.action, new FormData(form));
        if (!response.ok) { toast(await problem(response)); return; }
        newToken = await response.json();
        await refresh(true);
        const input = document.getElementById("new-token");
        if (input) { input.focus(); input.select(); }
        toast("Token " + newToken.name + " created.");
      } finally {
        idle();
      }
      return;
    }
    if (form.matches("form.held")) {
      event.preventDefault();
      holdDelete(form);
      return;
    }
    if (form.id === "list-form") {
      // A bulk edit, undoable: each selected task is read first, so Undo
      // can put back what each had (tasks differ); Undo puts a field back
      // only where it still holds what the edit wrote.
      event.preventDefault();
      const data = new FormData(form);
      if (data.get("bulk_status") === "blocked" && !(data.get("bulk_blocked_reason") || "").trim()) {
        const reason = window.prompt("Why are the selected tasks blocked?");
        if (reason === null) return;
        data.set("bulk_blocked_reason", reason);
      }
      const keys = data.getAll("sel");
      const fields = { bulk_status: "status", bulk_priority: "priority", bulk_owner: "owner", bulk_due: "due_date", bulk_phase: "phase_id", bulk_milestone: "milestone_id" };
      const changed = Object.keys(fields).filter((name) => (data.get(name) || "").trim() !== "").map((name) => fields[name]);
      const api = (key) => "/api/v1/workspaces/" + ws() + "/tasks/" + encodeURIComponent(key);
      const read = async (key) => {
        const r = await fetch(api(key), { credentials: "same-origin" });
        return r.ok ? r.json() : null;
      };
      const value = (task, field) => field === "owner" ? (task.owner ? task.owner.email : null) : task[field];
      const before = keys.length && changed.length ? await Promise.all(keys.map(read)) : [];
      const response = await postForm(form.action, data);
      if (!response.ok) { toast(await problem(response)); return; }
      // The answer is the rows as the edit wrote them.
      const written = new Map((await response.json()).map((task) => [task.key, task]));
      const after = keys.map((key) => written.get(key) || null);
      form.reset();
      soon();
      toast(keys.length + (keys.length === 1 ? " task" : " tasks") + " changed.", before.length > 0 && {
        undo: async () => {
          let undone = 0;
          const kept = [];
          for (const [i, key] of keys.entries()) {
            const was = before[i];
            const wrote = after[i];
            const now = await read(key);
            if (!was || !wrote || !now) continue;
            const back = {};
            for (const field of changed) {
              if (JSON.stringify(value(now, field)) !== JSON.stringify(value(wrote, field))) { kept.push(key); continue; }
              if (JSON.stringify(value(was, field)) !== JSON.stringify(value(wrote, field))) back[field] = value(was, field);
            }
            if (Object.keys(back).length === 0) continue;
            const r = await patchTask(key, now.version, back);
            if (r.ok) undone++; else kept.push(key);
          }
          const unique = [...new Set(kept)];
          toast(undone + " put back." + (unique.length ? " Changed since, left as they are: " + unique.join(", ") + "." : ""));
          soon();
        },
      });
      return;
    }
    if (form.matches("form.quick")) {
      event.preventDefault();
      const response = await postForm(form.action, new FormData(form));
      if (response.ok) {
        const task = await response.json();
        form.reset();
        toast("Added " + task.key + ".", { href: "/w/" + ws() + "/t/" + task.key, text: "Open" });
        soon();
      } else {
        toast(await problem(response));
      }
    } else if (form.matches("form.tick")) {
      event.preventDefault();
      const row = form.closest("li.todo");
      const response = await postForm(form.action, new FormData(form));
      if (response.ok) {
        const task = await response.json();
        const before = row && row.dataset.status;
        if (row) row.classList.add("done");
        form.remove();
        toast(task.key + " done.", before && {
          undo: async () => {
            const back = await patchTask(task.key, task.version, { status: before });
            toast(back.ok ? task.key + " is " + before.replace(/_/g, " ") + " again." : task.key + ": " + (await problem(back)));
            soon();
          },
        });
      } else {
        toast(await problem(response));
      }
    }
  });

  // --- the timeline: zoom to the browser's width; open at today --------
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("nav.zoom a");
    const wrap = document.querySelector(".gantt-wrap");
    if (!link || !wrap) return;
    const url = new URL(link.href);
    url.searchParams.set("width", Math.max(320, Math.round(wrap.clientWidth)));
    link.href = url.toString();
  });
  function toToday() {
    const wrap = document.querySelector(".gantt-wrap");
    const today = wrap && wrap.querySelector("line.today");
    if (!today || wrap.dataset.placed) return;
    wrap.dataset.placed = "1";
    // The chart's coordinates start after the names' drawn width; on a
    // phone the names column is narrower than that.
    const names = wrap.querySelector("svg.gantt-names");
    const shown = names ? names.getBoundingClientRect().width : 0;
    const drawn = names ? parseFloat(names.getAttribute("width")) : 0;
    const x = today.x1.baseVal.value - drawn + shown;
    if (x > wrap.clientWidth - 80) wrap.scrollLeft = x - shown - (wrap.clientWidth - shown) / 2;
  }
  // The first view is drawn for a guessed width: where the chart is
  // narrower than the room it has, it is drawn again for that room (and
  // the address keeps the width, for refreshes and the zoom links).
  function fillWidth() {
    const wrap = document.querySelector(".gantt-wrap");
    const chart = wrap && wrap.querySelector("svg.gantt");
    if (!chart) return;
    const url = new URL(location.href);
    if (url.searchParams.has("width")) return;
    const names = wrap.querySelector("svg.gantt-names");
    const drawn = parseFloat(chart.getAttribute("width")) + (names ? parseFloat(names.getAttribute("width")) : 0);
    const room = Math.round(wrap.clientWidth);
    if (drawn >= room - parseFloat(chart.dataset.ppd) - 1) return;
    url.searchParams.set("width", Math.max(320, room));
    history.replaceState(history.state, "", url);
    refresh(true);
  }
  function placeChart() { toToday(); fillWidth(); }
  document.addEventListener("tandem:refreshed", toToday);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", placeChart);
  else placeChart();

  // A comment form's mention picker: "@handle " at the text's cursor.
  document.addEventListener("change", (event) => {
    const picker = event.target.closest && event.target.closest("select[data-mention]");
    if (!picker || !picker.value) return;
    const area = document.getElementById(picker.dataset.mention);
    if (!area) return;
    const at = area.selectionStart ?? area.value.length;
    const before = area.value.slice(0, at);
    const gap = before && !/\s$/.test(before) ? " " : "";
    const words = gap + "@" + picker.value + " ";
    area.value = before + words + area.value.slice(area.selectionEnd ?? at);
    picker.value = "";
    area.focus();
    area.setSelectionRange(at + words.length, at + words.length);
  });

  // --- find anything: Ctrl/Cmd-K opens a palette over the search page's
  // results, read as one types --------------------------------------------
  const palette = () => document.getElementById("palette");
  let finding;
  function openPalette() {
    const box = palette();
    if (!box || box.open) return;
    box.showModal();
    const input = document.getElementById("palette-q");
    input.select();
  }
  async function find(words) {
    const list = document.getElementById("palette-results");
    if (!list) return;
    if (!words) { list.replaceChildren(); return; }
    const response = await fetch("/w/" + ws() + "/search?q=" + encodeURIComponent(words), { credentials: "same-origin" });
    if (!response.ok) return;
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    // In the page's order: the ranked hits (a project whose key or name
    // was typed ranks above its tasks, its title weighing most), then
    // people, then pages.
    const found = [...doc.querySelectorAll("#main a[data-result]")].slice(0, 12);
    list.replaceChildren(...found.map((a) => {
      const li = document.createElement("li");
      const link = document.createElement("a");
      link.href = a.getAttribute("href");
      link.textContent = a.textContent.replace(/\s+/g, " ").trim();
      li.appendChild(link);
      return li;
    }));
    if (!found.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = "Nothing matches.";
      list.appendChild(li);
    }
  }
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k" && ws()) {
      event.preventDefault();
      openPalette();
      return;
    }
    const box = palette();
    if (!box || !box.open) return;
    const links = [...box.querySelectorAll("#palette-results a")];
    const at = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const next = event.key === "ArrowDown" ? Math.min(at + 1, links.length - 1) : at - 1;
      if (next < 0) document.getElementById("palette-q").focus();
      else if (links[next]) links[next].focus();
    } else if (event.key === "Enter" && event.target.id === "palette-q" && links.length) {
      event.preventDefault();
      location.href = links[0].href;
    }
  });
  document.addEventListener("input", (event) => {
    if (event.target.id !== "palette-q") return;
    clearTimeout(finding);
    const words = event.target.value.trim();
    finding = setTimeout(() => find(words), 120);
  });

  // A task picked by its title: typing words asks the API's search and
  // offers what it finds (key and title); a key typed in still works. A
  // box of several keys (comma-separated) searches with the words after
  // its last comma, and a pick replaces those words alone.
  let searching;
  document.addEventListener("input", (event) => {
    const box = event.target;
    if (!box.matches || !box.matches("input[data-task-search]")) return;
    const many = "many" in box.dataset;
    const cut = many ? box.value.lastIndexOf(",") + 1 : 0;
    const kept = many && cut ? box.value.slice(0, cut) + " " : "";
    const words = box.value.slice(cut).trim();
    const list = document.getElementById(box.getAttribute("list"));
    clearTimeout(searching);
    if (!list || words.length < 2 || /^[A-Za-z][A-Za-z0-9]*-\d+$/.test(words)) return;
    searching = setTimeout(async () => {
      const within = box.dataset.project ? "&project=" + encodeURIComponent(box.dataset.project) : "";
      const url = "/api/v1/workspaces/" + ws() + "/tasks?limit=10" + within + "&q=" + encodeURIComponent(words);
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) return;
      const page = await response.json();
      list.replaceChildren(...page.tasks.map((t) => {
        const option = document.createElement("option");
        option.value = kept + t.key;
        option.label = t.title;
        option.textContent = t.title;
        return option;
      }));
    }, 150);
  });

  // A repeat rule's next dates, shown as it is typed (and as its day-off
  // choice changes), or what is not understood in it.
  let previewing;
  async function previewRule(form) {
    const box = form.querySelector("input[data-preview]");
    const out = form.querySelector("output");
    if (!box || !out) return;
    const rule = box.value.trim();
    if (!rule) { out.textContent = ""; return; }
    const landing = form.elements.landing ? form.elements.landing.value : "as_is";
    const response = await fetch(box.dataset.preview + "&landing=" + landing + "&rule=" + encodeURIComponent(rule), { credentials: "same-origin" });
    if (box.value.trim() !== rule) return;
    if (!response.ok) { out.textContent = await problem(response); return; }
    const preview = await response.json();
    out.textContent = preview.dates.length
      ? preview.words + ": " + preview.dates.map(spokenDate).join(", ") + "…"
      : preview.words + ": no date.";
  }
  document.addEventListener("input", (event) => {
    const form = event.target.closest && event.target.closest("form.repeat-form");
    if (!form || !event.target.matches("input[data-preview]")) return;
    clearTimeout(previewing);
    previewing = setTimeout(() => previewRule(form), 200);
  });
  document.addEventListener("change", (event) => {
    const form = event.target.closest && event.target.closest("form.repeat-form");
    if (form && event.target.name === "landing") previewRule(form);
  });

  // A new project's key, suggested from its name until the key is typed
  // in: a word's first letters, or several words' initials, not a key the
  // projects table already shows.
  function suggestKey(name) {
    const words = name.toUpperCase().normalize("NFD").replace(/[^A-Z0-9 ]/g, " ").split(/ +/).filter(Boolean);
    let key = words.length > 1 ? words.map((w) => w[0]).join("") : words.length ? words[0].slice(0, 6) : "";
    if (key.length < 2 && words.length) key = (words[0] + (words[1] || "")).slice(0, 4);
    key = key.replace(/^[0-9]+/, "").slice(0, 10);
    if (key.length < 2) return "";
    const taken = new Set([...document.querySelectorAll("main a.key")].map((a) => a.textContent.trim()));
    let candidate = key;
    for (let n = 2; taken.has(candidate); n++) candidate = key.slice(0, 10 - String(n).length) + n;
    return candidate;
  }
  document.addEventListener("input", (event) => {
    const target = event.target;
    if (target.id === "np-key") target.dataset.typed = target.value ? "1" : "";
    if (target.id !== "np-name") return;
    const key = document.getElementById("np-key");
    if (key && !key.dataset.typed) key.value = suggestKey(target.value);
  });

  // Inline edits in the list (and a card's phase on the board): a cell is
  // a button showing the value; a click swaps in the control from the
  // page's template, and a change saves that one field through the API at
  // the row's (card's) version.
  document.addEventListener("click", (event) => {
    const cell = event.target.closest && event.target.closest("button.cell");
    if (!cell) return;
    const template = document.getElementById("tpl-" + cell.dataset.field);
    if (!template) return;
    const control = template.content.firstElementChild.cloneNode(true);
    control.value = cell.dataset.value || "";
    control.dataset.field = cell.dataset.field;
    control.dataset.saved = control.value;
    control.cell = cell;
    cell.hidden = true;
    cell.after(control);
    control.focus();
    // Typing replaces the value, as in a spreadsheet's cell.
    if (control.tagName === "INPUT") control.select();
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      control.remove();
      cell.hidden = false;
    };
    control.addEventListener("blur", () => setTimeout(close, 0));
    control.addEventListener("keydown", (e) => {
      if (e.key === "Escape") { control.value = control.dataset.saved || ""; close(); cell.focus(); }
      if (e.key === "Enter" && control.tagName === "INPUT") { e.preventDefault(); control.blur(); }
    });
    control.addEventListener("tandem:saved", () => {
      cell.dataset.value = control.value;
      // By id: `control.list` is null once the control has left the page.
      const list = control.getAttribute("list") && document.getElementById(control.getAttribute("list"));
      const option = control.tagName === "SELECT" ? control.selectedOptions[0]
        : list ? [...list.options].find((o) => o.value === control.value) : null;
      cell.textContent = option ? option.textContent
        : !control.value ? "—"
        : control.type === "date" ? spokenDate(control.value)
        : control.value + (control.dataset.unit || "");
      const named = cell.getAttribute("aria-label");
      if (named) cell.setAttribute("aria-label", named.replace(/: [^:]*$/, ": " + cell.textContent));
      close();
      cell.focus();
    });
  });
  document.addEventListener("change", async (event) => {
    const control = event.target;
    if (control.matches("input[data-select-all]")) {
      document.querySelectorAll('input[name="sel"]').forEach((box) => (box.checked = control.checked));
      countSelected();
      return;
    }
    if (control.matches('input[name="sel"]')) { countSelected(); return; }
    const field = control.dataset.field;
    const row = control.closest("[data-key][data-version]");
    if (!field || !row) return;
    // Arrows in a closed select step through its options, each a change
    // event: save once it is settled (Enter or leaving it), not every step.
    if (control.dataset.stepping) return;
    // A date or number field changes with every arrow and every finished
    // part of a date: it saves when it is left (Enter leaves it).
    if (control.tagName === "INPUT") return;
    save(control, field, row);
  });
  document.addEventListener("keydown", (event) => {
    const control = event.target;
    if (!control.dataset || !control.dataset.field || control.tagName !== "SELECT") return;
    if (["ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"].includes(event.key)) {
      control.dataset.stepping = "1";
    } else if (event.key === "Enter" && control.dataset.stepping) {
      delete control.dataset.stepping;
      const row = control.closest("[data-key][data-version]");
      if (row) save(control, control.dataset.field, row);
    }
  });
  document.addEventListener("focusout", (event) => {
    const control = event.target;
    if (!control.dataset || !control.dataset.field) return;
    if (!control.dataset.stepping && control.tagName !== "INPUT") return;
    delete control.dataset.stepping;
    const row = control.closest("[data-key][data-version]");
    if (row && control.value !== (control.dataset.saved || "")) save(control, control.dataset.field, row);
  }, true);
  // What a cell's control holds, as the API takes it: `2 / 3 / 6` is a
  // three-point estimate; undefined when it cannot be read.
  function fieldValue(control, value) {
    if (value === "") return null;
    switch (control.dataset.kind) {
      case "id":
      case "number":
        return Number.isFinite(Number(value)) ? Number(value) : undefined;
      case "person": {
        // A name or part of one, as typed, is the one member it names.
        if (value.includes("@")) return value;
        const words = value.toLowerCase();
        const list = document.getElementById(control.getAttribute("list"));
        const found = [...(list ? list.options : [])].filter((o) =>
          o.textContent.toLowerCase().includes(words) || o.value.toLowerCase().includes(words));
        return found.length === 1 ? found[0].value : undefined;
      }
      case "three-point": {
        const parts = value.split(/[\s/,;]+/).filter(Boolean).map(Number);
        if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n))) return undefined;
        return { optimistic: parts[0], likely: parts[1], pessimistic: parts[2] };
      }
      default:
        return value;
    }
  }
  // A refused cell opens again holding what was typed, the reason beside
  // it, as a refused form keeps its fields.
  function reopen(control, value, why) {
    const cell = control.cell;
    if (!cell || !cell.isConnected) return;
    if (!cell.hidden) cell.click();
    const again = cell.nextElementSibling;
    if (!again || again.dataset.field !== control.dataset.field) return;
    again.value = value;
    again.setAttribute("aria-invalid", "true");
    const note = document.createElement("span");
    note.className = "field-note refused";
    note.id = "refused-" + control.dataset.field + "-" + (cell.closest("[data-key]") || {dataset: {}}).dataset.key;
    note.textContent = why;
    again.setAttribute("aria-describedby", note.id);
    again.after(note);
    again.addEventListener("blur", () => setTimeout(() => note.remove(), 0));
    again.focus();
  }
  async function save(control, field, row) {
    const value = control.value.trim();
    const previous = control.dataset.saved || "";
    const changes = {};
    changes[field] = fieldValue(control, value);
    if (changes[field] === undefined) {
      row.classList.add("failed");
      const hint = {
        "three-point": "Write a three-point estimate as optimistic / most likely / pessimistic working days, as 2 / 3 / 6.",
        person: "No one, or more than one member, is called “" + value + "”: type more of a name, or pick one from the list.",
      }[control.dataset.kind] || "Write a number.";
      toast(row.dataset.key + ": " + hint);
      reopen(control, value, hint);
      return;
    }
    if (control.dataset.kind === "person" && changes[field]) control.value = changes[field];
    if (field === "status" && value === "blocked" && control.dataset.saved !== "blocked") {
      const reason = window.prompt("Why is " + row.dataset.key + " blocked?");
      if (reason === null) { control.value = control.dataset.saved || ""; return; }
      changes.blocked_reason = reason;
    }
    control.dataset.saved = control.value.trim();
    busy++;
    try {
      const response = await patchTask(row.dataset.key, row.dataset.version, changes);
      if (response.ok) {
        const task = await response.json();
        row.dataset.version = task.version;
        const hidden = row.querySelector('input[type="hidden"][name^="v."]');
        if (hidden) hidden.value = task.version;
        row.classList.remove("failed");
        row.classList.add("saved");
        setTimeout(() => row.classList.remove("saved"), 1200);
        control.dispatchEvent(new Event("tandem:saved"));
        // Said, with the way back to what it was (Undo).
        const key = row.dataset.key;
        const what = (control.getAttribute("aria-label") || field).replace(/ \(.*$/, "").split(":")[0];
        toast(key + ": " + what + " saved.", {
          undo: async () => {
            const back = {};
            back[field] = fieldValue(control, previous) ?? null;
            // The row as the page has it now: a live redraw may have
            // swapped the one this save was made in.
            const live = () => document.querySelector('[data-key="' + CSS.escape(key) + '"][data-version]') || row;
            const answer = await patchTask(key, live().dataset.version, back);
            if (answer.ok) {
              const now = live();
              now.dataset.version = (await answer.json()).version;
              const hidden = now.querySelector('input[type="hidden"][name^="v."]');
              if (hidden) hidden.value = now.dataset.version;
            }
            toast(answer.ok ? key + ": " + what + " is as it was." : key + ": " + (await problem(answer)));
            if (!redrawRow(key)) soon();
          },
        });
      } else {
        row.classList.add("failed");
        const why = await problem(response);
        toast(row.dataset.key + ": " + why);
        if (response.status === 412) soon();
        else reopen(control, value, why);
      }
    } finally {
      idle();
    }
  }
  function countSelected() {
    const n = document.querySelectorAll('input[name="sel"]:checked').length;
    const out = document.querySelector(".selected-count");
    if (out) out.textContent = n ? n + " selected" : "";
  }

  // --- board: drag and drop, and the keyboard alternative ---------------
  let origin = null;
  function placeCard(card) {
    const list = card.closest("ul.cards");
    const prev = card.previousElementSibling;
    const next = card.nextElementSibling;
    return { status: list.dataset.status, after: prev ? prev.dataset.key : "", before: next ? next.dataset.key : "" };
  }
  // A column's count is its total (the server's), give or take the cards
  // moved in or out since: a column shows a window of its cards.
  function recount() {
    document.querySelectorAll(".column").forEach((col) => {
      const count = col.querySelector("h2 .count");
      const list = col.querySelector("ul.cards");
      if (!count || !list) return;
      const total = Number(count.dataset.total || 0);
      count.textContent = total + list.querySelectorAll("li.card").length - Number(list.dataset.shown || 0);
    });
  }
  async function saveMove(card) {
    const board = card.closest(".board");
    const place = placeCard(card);
    const from = origin;
    const url = board.dataset.move + encodeURIComponent(card.dataset.key) + "/move";
    const fields = { status: place.status, after: place.after, before: place.before, version: card.dataset.version };
    // Blocked says why: asked as the card lands there; no answer, no move.
    if (place.status === "blocked" && (!from || from.status !== "blocked")) {
      const reason = window.prompt("Why is " + card.dataset.key + " blocked?");
      if (reason === null) { toast(card.dataset.key + " not moved."); soon(); return; }
      fields.blocked_reason = reason;
    }
    busy++;
    try {
      const response = await postForm(url, fields);
      if (response.ok) {
        const moved = await response.json();
        card.dataset.version = moved.version;
        toast(card.dataset.key + " moved.", from && {
          undo: async () => {
            const back = await postForm(url, {
              status: from.status, after: from.after, before: from.before, version: card.dataset.version,
            });
            toast(back.ok ? card.dataset.key + " is back where it was." : card.dataset.key + ": " + (await problem(back)));
            soon();
          },
        });
      } else {
        toast(card.dataset.key + ": " + (await problem(response)));
        soon();
      }
    } finally {
      idle();
    }
    recount();
  }
  function cardAfter(list, y) {
    const cards = [...list.querySelectorAll("li.card:not(.dragging)")];
    return cards.find((c) => { const r = c.getBoundingClientRect(); return y < r.top + r.height / 2; }) || null;
  }
  // Pointer events, not HTML5 drag and drop: they work with touch and pens
  // too, and a press that does not move stays a click.
  let cardDrag = null;
  document.addEventListener("pointerdown", (event) => {
    const card = event.target.closest && event.target.closest("li.card[data-movable]");
    if (!card || event.button !== 0 || event.target.closest("a, button, select")) return;
    cardDrag = { card, x: event.clientX, y: event.clientY, started: false };
    origin = placeCard(card);
  });
  document.addEventListener("pointermove", (event) => {
    if (!cardDrag) return;
    const card = cardDrag.card;
    if (!cardDrag.started) {
      if (Math.abs(event.clientX - cardDrag.x) + Math.abs(event.clientY - cardDrag.y) < 6) return;
      cardDrag.started = true;
      busy++;
      card.classList.add("dragging");
    }
    event.preventDefault();
    const under = document.elementFromPoint(event.clientX, event.clientY);
    const column = under && under.closest(".column");
    const list = column && column.querySelector("ul.cards");
    if (!list) return;
    document.querySelectorAll("ul.cards.over").forEach((l) => l !== list && l.classList.remove("over"));
    list.classList.add("over");
    const before = cardAfter(list, event.clientY);
    if (before !== card) list.insertBefore(card, before);
  });
  function endCardDrag() {
    if (!cardDrag) return;
    const { card, started } = cardDrag;
    cardDrag = null;
    if (!started) return;
    idle();
    card.classList.remove("dragging");
    document.querySelectorAll("ul.cards.over").forEach((l) => l.classList.remove("over"));
    const place = placeCard(card);
    if (place.status !== origin.status || place.after !== origin.after || place.before !== origin.before) saveMove(card);
    recount();
  }
  // Moving focus, not cards: up and down a column (arrows, or k and j),
  // left and right to the next column's card at the same height.
  function goAmongCards(event, card) {
    const list = card.closest("ul.cards");
    const lists = [...document.querySelectorAll("ul.cards")];
    const cards = [...list.querySelectorAll("li.card")];
    const at = cards.indexOf(card);
    let next = null;
    if (event.key === "ArrowDown" || event.key === "j") next = cards[at + 1];
    else if (event.key === "ArrowUp" || event.key === "k") next = cards[at - 1];
    else if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      const step = event.key === "ArrowLeft" ? -1 : 1;
      for (let i = lists.indexOf(list) + step; i >= 0 && i < lists.length && !next; i += step) {
        const there = [...lists[i].querySelectorAll("li.card")];
        next = there[Math.min(at, there.length - 1)] || null;
      }
    } else return;
    event.preventDefault();
    if (next) next.focus();
  }
  // The list's rows: j and k (or the arrows, from a row's key) go down and
  // up, focusing each row's key link.
  document.addEventListener("keydown", (event) => {
    const row = event.target.closest && event.target.closest("table.tasks tr[data-key]");
    if (!row || !event.target.matches("a.key")) return;
    const down = event.key === "j" || event.key === "ArrowDown";
    const up = event.key === "k" || event.key === "ArrowUp";
    if (!down && !up) return;
    const rows = [...document.querySelectorAll("table.tasks tr[data-key] a.key")];
    const next = rows[rows.indexOf(event.target) + (down ? 1 : -1)];
    event.preventDefault();
    if (next) next.focus();
  });
  document.addEventListener("pointerup", endCardDrag);
  document.addEventListener("pointercancel", endCardDrag);
  document.addEventListener("keydown", (event) => {
    const card = event.target.closest && event.target.closest("li.card");
    if (!card) return;
    // A control on the card (its phase) takes its own keys.
    if (event.target.matches("select, input, button")) return;
    if (!card.hasAttribute("data-movable")) { goAmongCards(event, card); return; }
    const lifted = card.classList.contains("lifted");
    if (event.key === " " || event.key === "Enter") {
      if (event.target.tagName === "A" && !lifted && event.key === "Enter") return;
      event.preventDefault();
      if (!lifted) {
        card.classList.add("lifted");
        card.setAttribute("aria-grabbed", "true");
        origin = placeCard(card);
        toast("Picked up " + card.dataset.key + ". Arrow keys move it; Space drops it; Escape cancels.");
      } else {
        card.classList.remove("lifted");
        card.removeAttribute("aria-grabbed");
        const place = placeCard(card);
        toast("Dropped " + card.dataset.key + " in " + card.closest("ul.cards").getAttribute("aria-label") + ".");
        if (place.status !== origin.status || place.after !== origin.after || place.before !== origin.before) saveMove(card);
      }
      return;
    }
    if (!lifted) { goAmongCards(event, card); return; }
    const list = card.closest("ul.cards");
    const lists = [...document.querySelectorAll("ul.cards")];
    if (event.key === "ArrowUp" && card.previousElementSibling) {
      list.insertBefore(card, card.previousElementSibling);
    } else if (event.key === "ArrowDown" && card.nextElementSibling) {
      list.insertBefore(card.nextElementSibling, card);
    } else if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      const target = lists[lists.indexOf(list) + (event.key === "ArrowLeft" ? -1 : 1)];
      if (target) target.insertBefore(card, target.firstElementChild);
    } else if (event.key === "Escape") {
      card.classList.remove("lifted");
      card.removeAttribute("aria-grabbed");
      soon();
      return;
    } else {
      return;
    }
    event.preventDefault();
    card.focus();
    recount();
  });

  // --- timeline: drag a bar (or press ← →) to move its start, its end
  // (Shift+← →) to change its length, its ring onto another bar to link
  // them -------------------------------------------------------------------
  function shiftDate(text, days) {
    const d = new Date(text + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }
  // Day numbers from the chart's first day, and whether each is worked,
  // as the server drew them.
  function dayIndex(svg, text) {
    return Math.round((Date.parse(text + "T00:00:00Z") - Date.parse(svg.dataset.origin + "T00:00:00Z")) / 86400000);
  }
  function worked(svg, from, to) {
    const work = svg.dataset.work || "";
    let n = 0;
    for (let i = Math.max(0, from); i <= to && i < work.length; i++) if (work[i] === "1") n++;
    return n;
  }
  // The working day nearest `iso` going `direction` (+1 later, -1
  // earlier), as the chart's calendar has it; `iso` itself when worked
  // or beyond the chart.
  function workingDay(svg, iso, direction) {
    const work = svg.dataset.work || "";
    let i = dayIndex(svg, iso);
    while (i >= 0 && i < work.length && work[i] === "0") i += direction;
    return i >= 0 && i < work.length ? shiftDate(svg.dataset.origin, i) : iso;
  }
  // A date as the pages write it: "Wed 25 Nov".
  function spokenDate(iso) {
    const date = new Date(iso.slice(0, 10) + "T00:00:00Z");
    return date.toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).replace(",", "");
  }
  async function saved(bar, response, message, undo) {
    if (response.ok) {
      const task = await response.json();
      toast(message, { undo: () => undo(task.version) });
    } else {
      toast(bar.dataset.key + ": " + (await problem(response)));
    }
  }
  // Moving a scheduled task changes its start alone: the due date is a
  // commitment the schedule is measured against, never dragged along
  // with it. Work moved past it is late, and said so; moving the due date
  // is the person's own decision, on the task. A dated task's dates are
  // that decision: they move together.
  async function moveBar(bar, days) {
    if (!days) return;
    if (bar.dataset.scheduling === "dated") return moveDates(bar, days);
    const key = bar.dataset.key;
    // A start on a day off would be drawn on the next working day: it is
    // put on the working day the move was heading for.
    const start = workingDay(bar.ownerSVGElement, shiftDate(bar.dataset.start, days), days < 0 ? -1 : 1);
    const finish = shiftDate((bar.dataset.finish || bar.dataset.start).slice(0, 10), dayIndex(bar.ownerSVGElement, start) - dayIndex(bar.ownerSVGElement, bar.dataset.start));
    const due = bar.dataset.due;
    const late = due && finish > due ? ", after its due date " + spokenDate(due) : "";
    const before = bar.dataset.setStart || null;
    busy++;
    try {
      const response = await patchTask(key, bar.dataset.version, { start_date: start });
      await saved(bar, response, key + " now starts no earlier than " + spokenDate(start) + late + ".", async (version) => {
        const back = await patchTask(key, version, { start_date: before });
        toast(back.ok ? key + " starts as it did." : key + ": " + (await problem(back)));
        refresh();
      });
    } finally {
      idle();
    }
    // The plan is the server's: draw it again from the new schedule.
    refresh();
  }
  // A dated task moved: the dates it was given, each by the same days,
  // each onto the working day the move was heading for.
  async function moveDates(bar, days) {
    const svg = bar.ownerSVGElement;
    const key = bar.dataset.key;
    const direction = days < 0 ? -1 : 1;
    const to = (iso) => (iso ? workingDay(svg, shiftDate(iso, days), direction) : null);
    const before = { start_date: bar.dataset.setStart || null, due_date: bar.dataset.due || null };
    const after = { start_date: to(before.start_date), due_date: to(before.due_date) };
    const from = after.start_date || workingDay(svg, shiftDate(bar.dataset.start, days), direction);
    const until = after.due_date || shiftDate(bar.dataset.finish.slice(0, 10), days);
    busy++;
    try {
      const response = await patchTask(key, bar.dataset.version, after);
      await saved(bar, response, key + " now runs " + spokenDate(from) + " to " + spokenDate(until) + ".", async (version) => {
        const back = await patchTask(key, version, before);
        toast(back.ok ? key + " keeps its dates as they were." : key + ": " + (await problem(back)));
        refresh();
      });
    } finally {
      idle();
    }
    refresh();
  }
  // Presses in quick succession make one change: the bar follows each,
  // and the change is saved once the keys rest (each its own save would
  // meet the version the one before it wrote).
  function pressBar(bar, step, grow) {
    const ppd = parseFloat(bar.ownerSVGElement.dataset.ppd);
    if (bar.pressed && bar.pressed.grow !== grow) return;
    if (!bar.pressed) {
      const rect = bar.querySelector("rect");
      bar.pressed = { days: 0, grow, rect, width: parseFloat(rect.getAttribute("width")) };
      busy++;
    }
    const pressed = bar.pressed;
    pressed.days += step;
    if (grow) pressed.rect.setAttribute("width", Math.max(3, pressed.width + pressed.days * ppd));
    else bar.setAttribute("transform", "translate(" + pressed.days * ppd + " 0)");
    clearTimeout(pressed.timer);
    pressed.timer = setTimeout(() => {
      bar.pressed = null;
      if (grow && bar.dataset.scheduling === "dated" && bar.dataset.due) moveDue(bar, pressed.days);
      else if (grow) lengthen(bar, pressed.days);
      else moveBar(bar, pressed.days);
      idle();
    }, 400);
  }
  // A new length in working days: the bar's (its estimate, else the
  // working days it spans) changed by the working days its end moved.
  function resizeBar(bar, days) {
    const svg = bar.ownerSVGElement;
    if (bar.dataset.scheduling === "dated" && bar.dataset.due) return moveDue(bar, days);
    const end = dayIndex(svg, bar.dataset.finish);
    return lengthen(bar, days > 0 ? worked(svg, end + 1, end + days) : -worked(svg, end + days + 1, end));
  }
  async function lengthen(bar, moved) {
    const svg = bar.ownerSVGElement;
    const key = bar.dataset.key;
    const before = bar.dataset.estimate ? parseFloat(bar.dataset.estimate) : null;
    const length = before !== null ? before : worked(svg, dayIndex(svg, bar.dataset.start), dayIndex(svg, bar.dataset.finish));
    const estimate = Math.round((length + moved) * 100) / 100;
    if (!moved) { refresh(); return; }
    if (estimate <= 0) {
      toast(key + " must last some time: to make it a milestone, set its estimate to 0 on its page.");
      refresh();
      return;
    }
    busy++;
    try {
      const response = await patchTask(key, bar.dataset.version, { estimate_days: estimate });
      await saved(bar, response, key + " now lasts " + estimate + " working day" + (estimate === 1 ? "" : "s") + ".", async (version) => {
        const back = await patchTask(key, version, { estimate_days: before });
        toast(back.ok ? key + " lasts as it did." : key + ": " + (await problem(back)));
        refresh();
      });
    } finally {
      idle();
    }
    refresh();
  }
  // A dated task's end is its due date: stretching the bar moves it.
  async function moveDue(bar, days) {
    const svg = bar.ownerSVGElement;
    const key = bar.dataset.key;
    const before = bar.dataset.due;
    const due = workingDay(svg, shiftDate(before, days), days < 0 ? -1 : 1);
    if (!days || due === before) { refresh(); return; }
    if (bar.dataset.setStart && due < bar.dataset.setStart) {
      toast(key + " must finish on or after its start, " + spokenDate(bar.dataset.setStart) + ".");
      refresh();
      return;
    }
    busy++;
    try {
      const response = await patchTask(key, bar.dataset.version, { due_date: due });
      await saved(bar, response, key + " is now due " + spokenDate(due) + ".", async (version) => {
        const back = await patchTask(key, version, { due_date: before });
        toast(back.ok ? key + " is due as it was." : key + ": " + (await problem(back)));
        refresh();
      });
    } finally {
      idle();
    }
    refresh();
  }
  async function linkBars(from, to) {
    const [predecessor, successor] = [from.dataset.key, to.dataset.key];
    busy++;
    try {
      const response = await fetch("/api/v1/workspaces/" + ws() + "/dependencies", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ predecessor, successor, type: "fs" }),
        credentials: "same-origin",
      });
      if (response.ok) {
        toast(successor + " now waits for " + predecessor + " to finish.", {
          undo: async () => {
            const back = await fetch("/api/v1/workspaces/" + ws() + "/dependencies/" + encodeURIComponent(predecessor) + "/" + encodeURIComponent(successor), {
              method: "DELETE",
              credentials: "same-origin",
            });
            toast(back.ok ? "The link from " + predecessor + " to " + successor + " is gone." : await problem(back));
            refresh();
          },
        });
      } else {
        toast(predecessor + " → " + successor + ": " + (await problem(response)));
      }
    } finally {
      idle();
    }
    refresh();
  }
  function svgPoint(svg, event) {
    const point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    return point.matrixTransform(svg.getScreenCTM().inverse());
  }
  let drag = null;
  document.addEventListener("pointerdown", (event) => {
    const bar = event.target.closest && event.target.closest("svg.gantt g.bar");
    if (!bar || event.button !== 0) return;
    const svg = bar.ownerSVGElement;
    const kind = event.target.closest("circle.link") ? "link" : event.target.closest("rect.grip") ? "resize" : "move";
    drag = { bar, kind, x: event.clientX, ppd: parseFloat(svg.dataset.ppd), dx: 0 };
    if (kind === "link") {
      const ring = event.target.closest("circle.link");
      const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
      line.setAttribute("class", "drawing");
      for (const [a, v] of [["x1", ring.cx.baseVal.value], ["y1", ring.cy.baseVal.value], ["x2", ring.cx.baseVal.value], ["y2", ring.cy.baseVal.value]]) line.setAttribute(a, v);
      svg.appendChild(line);
      drag.line = line;
    } else {
      drag.rect = bar.querySelector("rect");
      drag.width = parseFloat(drag.rect.getAttribute("width"));
    }
    busy++;
    bar.setPointerCapture(event.pointerId);
    bar.classList.add("moving");
    event.preventDefault();
  });
  document.addEventListener("pointermove", (event) => {
    if (!drag) return;
    drag.dx = event.clientX - drag.x;
    if (drag.kind === "link") {
      const p = svgPoint(drag.bar.ownerSVGElement, event);
      drag.line.setAttribute("x2", p.x);
      drag.line.setAttribute("y2", p.y);
    } else if (drag.kind === "resize") {
      drag.rect.setAttribute("width", Math.max(3, drag.width + drag.dx));
    } else {
      drag.bar.setAttribute("transform", "translate(" + drag.dx + " 0)");
    }
  });
  function endDrag(event) {
    if (!drag) return;
    const { bar, kind, dx, ppd, line, rect, width } = drag;
    drag = null;
    idle();
    bar.classList.remove("moving");
    const days = Math.round(dx / ppd);
    if (kind === "link") {
      line.remove();
      const under = event.type === "pointerup" && document.elementFromPoint(event.clientX, event.clientY);
      const target = under && under.closest && under.closest("svg.gantt g.bar, svg.gantt g.ms");
      if (target && target !== bar && target.dataset.key) linkBars(bar, target);
    } else if (kind === "resize") {
      if (days) resizeBar(bar, days); else rect.setAttribute("width", width);
    } else if (days) {
      moveBar(bar, days);
    } else {
      bar.removeAttribute("transform");
    }
  }
  document.addEventListener("pointerup", endDrag);
  document.addEventListener("pointercancel", endDrag);
  document.addEventListener("keydown", (event) => {
    const bar = event.target.closest && event.target.closest("svg.gantt g.bar");
    if (!bar) return;
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      pressBar(bar, event.key === "ArrowLeft" ? -1 : 1, event.shiftKey);
    } else if (event.key === "Enter") {
      location.href = "/w/" + ws() + "/t/" + bar.dataset.key;
    }
  });
  // Registered last: the handlers above have taken (prevented) the
  // submits they save in place; what is left posts as a page.
  document.addEventListener("submit", (event) => {
    if (!event.defaultPrevented && event.target.method === "post") sessionStorage.setItem("tandem_said", said(event.target));
  });
})();
