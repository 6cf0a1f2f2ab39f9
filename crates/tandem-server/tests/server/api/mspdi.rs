//! Microsoft Project files imported and exported through the API.

use super::*;

fn fixtures() -> std::path::PathBuf {
    let dir = std::env::var_os("TANDEM_FIXTURES")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/fixtures/mspdi")
        });
    assert!(
        dir.is_dir(),
        "the MSPDI fixtures are missing at {} (set TANDEM_FIXTURES)",
        dir.display()
    );
    dir
}

impl Api {
    async fn send_xml(&self, path: &str, xml: Vec<u8>) -> (StatusCode, Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(self.token.as_deref().unwrap_or_default())
            .header("content-type", "application/xml")
            .body(xml)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(self.token.as_deref().unwrap_or_default())
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }
}

/// Every Microsoft Project fixture imports with all its tasks, links and
/// constraints, schedules in Tandem as the file's own plan does (without
/// resource assignments, which Tandem does not import), and exports to a
/// file that reads back and schedules to the same dates.
#[tokio::test]
async fn microsoft_project_files_import_and_export() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let mut files: Vec<_> = std::fs::read_dir(fixtures())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
            .collect();
        files.sort();
        assert!(files.len() >= 5);
        for (n, path) in files.iter().enumerate() {
            let xml = std::fs::read(path).unwrap();
            let file = tandem_schedule::mspdi::read(std::str::from_utf8(&xml).unwrap()).unwrap();
            let key = format!("IMP{n}");
            let (status, project) = ana
                .send_xml(&format!("{WS}/imports/mspdi?key={key}"), xml.clone())
                .await;
            assert_eq!(status, StatusCode::CREATED, "{}: {project}", path.display());
            let kept: Vec<_> = file.tasks.iter().filter(|t| t.outline_level >= 1).collect();
            let (_, tasks) = ana
                .get(&format!("{WS}/tasks?project={key}&limit=500"))
                .await;
            let tasks = tasks["tasks"].as_array().unwrap();
            assert_eq!(tasks.len(), kept.len(), "{}", path.display());
            let (_, links) = ana.get(&format!("{WS}/projects/{key}/dependencies")).await;
            let file_links: usize = kept.iter().map(|t| t.predecessors.len()).sum();
            assert_eq!(
                links.as_array().unwrap().len(),
                file_links,
                "{}",
                path.display()
            );
            assert_eq!(
                tasks.iter().filter(|t| !t["parent"].is_null()).count(),
                kept.iter().filter(|t| t.outline_level >= 2).count(),
                "{}: the outline becomes parents",
                path.display()
            );
            if !kept.is_empty() {
                let (_, history) = ana.get(&format!("{WS}/tasks/{key}-1/activity")).await;
                assert_eq!(history[0]["action"], "created", "{history}");
            }
            let constrained = kept.iter().filter(|t| t.constraint_type != 0).count();
            assert_eq!(
                tasks
                    .iter()
                    .filter(|t| t.get("constraint_type").is_some())
                    .count(),
                constrained,
                "{}",
                path.display()
            );

            // Tandem's schedule of the project is the file's plan's.
            let mut plan = file.plan().unwrap();
            for t in &mut plan.tasks {
                t.assignments.clear();
            }
            let expected = tandem_schedule::schedule(&plan).unwrap();
            let (status, schedule) = ana.get(&format!("{WS}/projects/{key}/schedule")).await;
            assert_eq!(status, StatusCode::OK, "{schedule}");
            for (k, task) in kept.iter().enumerate() {
                let i = file.tasks.iter().position(|t| t.uid == task.uid).unwrap();
                if expected.tasks[i].summary {
                    continue;
                }
                let [es, ef, ..] = expected.instants(i);
                let row = scheduled(&schedule, &format!("{key}-{}", k + 1));
                assert_eq!(
                    (
                        row["early_start"].as_str().unwrap(),
                        row["early_finish"].as_str().unwrap()
                    ),
                    (
                        es.format("%Y-%m-%dT%H:%M").to_string().as_str(),
                        ef.format("%Y-%m-%dT%H:%M").to_string().as_str()
                    ),
                    "{} task {} ({})",
                    path.display(),
                    task.uid,
                    task.name
                );
            }

            // Exported, read back and scheduled: the same dates again.
            let (status, exported) = ana.get_text(&format!("{WS}/projects/{key}/mspdi")).await;
            assert_eq!(status, StatusCode::OK);
            let back = tandem_schedule::mspdi::read(&exported).unwrap();
            assert_eq!(back.tasks.len(), kept.len());
            let again = tandem_schedule::schedule(&back.plan().unwrap()).unwrap();
            for k in 0..kept.len() {
                let row = scheduled(&schedule, &format!("{key}-{}", k + 1));
                let [es, ef, ls, lf] = again.instants(k);
                let text = |t: chrono::NaiveDateTime| t.format("%Y-%m-%dT%H:%M").to_string();
                assert_eq!(
                    [text(es), text(ef), text(ls), text(lf)],
                    [
                        &row["early_start"],
                        &row["early_finish"],
                        &row["late_start"],
                        &row["late_finish"]
                    ]
                    .map(|v| v.as_str().unwrap().to_string()),
                    "{} exported task {k}",
                    path.display()
                );
            }
        }

        // A file that is not MSPDI, or whose links loop, changes nothing.
        let before = ana.get(&format!("{WS}/projects")).await.1;
        let (status, problem) = ana
            .send_xml(
                &format!("{WS}/imports/mspdi?key=BAD"),
                b"<Project><Tasks><Task>".to_vec(),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "file");
        let looped = "<Project><StartDate>2026-11-23T08:00:00</StartDate><Tasks>\
            <Task><UID>1</UID><ID>1</ID><Name>A</Name><OutlineLevel>1</OutlineLevel><Duration>PT8H0M0S</Duration>\
            <PredecessorLink><PredecessorUID>2</PredecessorUID><Type>1</Type></PredecessorLink></Task>\
            <Task><UID>2</UID><ID>2</ID><Name>B</Name><OutlineLevel>1</OutlineLevel><Duration>PT8H0M0S</Duration>\
            <PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type></PredecessorLink></Task></Tasks></Project>";
        let (status, problem) = ana
            .send_xml(
                &format!("{WS}/imports/mspdi?key=LOOP"),
                looped.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        let dangling = looped.replace(
            "<PredecessorUID>1</PredecessorUID><Type>1</Type>",
            "<PredecessorUID>9</PredecessorUID><Type>1</Type>",
        );
        let (status, problem) = ana
            .send_xml(
                &format!("{WS}/imports/mspdi?key=LOOP"),
                dangling.into_bytes(),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        let (status, problem) = ana
            .send_xml(
                &format!("{WS}/imports/mspdi?key=IMP0"),
                std::fs::read(&files[0]).unwrap(),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a taken key: {problem}"
        );
        assert_eq!(problem["errors"][0]["field"], "key");
        let gus = Api::login(&server.base, "gus").await;
        let (status, _) = gus
            .send_xml(
                &format!("{WS}/imports/mspdi?key=GUS"),
                std::fs::read(&files[0]).unwrap(),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(ana.get(&format!("{WS}/projects")).await.1, before);
        server.stop().await;
    }
}
