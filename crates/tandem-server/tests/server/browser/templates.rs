//! Templates in the browser: a project made from a starter with a person
//! for a role, landing on its page; then saved as a template of its own
//! from its settings and listed.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_project_is_made_from_a_starter_and_saved_as_a_template() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let server = Server::with_demo().await;
    let client = browser(&driver).await;
    let base = server.base.clone();
    sign_in(&client, &base, "ana@demo.tandem").await;
    client
        .goto(&format!("{base}/w/demo/projects"))
        .await
        .unwrap();
    click(&client, "a[href='/w/demo/templates']").await;
    wait_for_text(&client, "//main", "Client onboarding").await;
    look(&client, "templates").await;
    // The second template is the client onboarding.
    wait_for(&client, "#tpl-1-name")
        .await
        .send_keys("Globex onboarding")
        .await
        .unwrap();
    wait_for(&client, "#tpl-1-key")
        .await
        .send_keys("GLX")
        .await
        .unwrap();
    client
        .execute(
            "const s = document.querySelector('#tpl-1-role-2');
             s.value = [...s.options].find(o => o.textContent.includes('Ben')).value;",
            vec![],
        )
        .await
        .unwrap();
    click(&client, "#tpl-1-h ~ form.use-template button[type=submit]").await;
    wait_for_text(&client, "//main", "Made from the template").await;
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/p/GLX")
    );
    let project = api_json(&client, "/projects/GLX").await;
    assert_eq!(project["template"]["name"], "Client onboarding");
    let tasks = api_json(&client, "/tasks?project=GLX&owner=ben@demo.tandem").await;
    assert_eq!(tasks["tasks"].as_array().unwrap().len(), 2, "{tasks}");
    look(&client, "project-from-template").await;

    // Saved as a template of its own, from its settings.
    client
        .goto(&format!("{base}/w/demo/p/GLX/settings"))
        .await
        .unwrap();
    let name = wait_for(&client, "#st-name").await;
    name.clear().await.unwrap();
    name.send_keys("Onboarding, our way").await.unwrap();
    click(
        &client,
        "form[action='/w/demo/p/GLX/template'] button[type=submit]",
    )
    .await;
    wait_for_text(&client, "//main", "Onboarding, our way").await;
    let all = api_json(&client, "/templates").await;
    assert_eq!(all[3]["name"], "Onboarding, our way", "{all}");
    assert_eq!(all[3]["source_project"], "GLX");

    // A task of it saved as a task template from its page, then added to
    // LAUNCH from the templates page.
    client
        .goto(&format!("{base}/w/demo/t/GLX-1"))
        .await
        .unwrap();
    let name = wait_for(&client, "#tt-name").await;
    name.clear().await.unwrap();
    name.send_keys("Welcome pack").await.unwrap();
    click(
        &client,
        "form[action='/w/demo/t/GLX-1/template'] button[type=submit]",
    )
    .await;
    wait_for_text(&client, "//main", "Task templates").await;
    wait_for(&client, "#ttpl-0-title")
        .await
        .send_keys("Welcome Initech")
        .await
        .unwrap();
    client
        .execute(
            "document.querySelector('#ttpl-0-project').value = 'LAUNCH'",
            vec![],
        )
        .await
        .unwrap();
    look(&client, "task-templates").await;
    click(&client, "form.use-task-template button[type=submit]").await;
    wait_for_text(&client, "//main", "Welcome Initech").await;
    let key = client
        .current_url()
        .await
        .unwrap()
        .path()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    assert!(key.starts_with("LAUNCH-"), "{key}");
    client.close().await.unwrap();
    server.stop().await;
}
