//! Approvals over the API: a milestone's gate holds until every approver
//! approves; a stage change is made when approved; answers by the wrong
//! people, twice, or stale are refused; refusals name the field and
//! change nothing; a guest sees no approval of a project hidden from it.

use super::*;

/// An approval's answers as (approver's email, decision).
fn answers(approval: &Value) -> Vec<(String, Value)> {
    approval["approvers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["approver"]["email"].as_str().unwrap().to_string(),
                a["decision"].clone(),
            )
        })
        .collect()
}

async fn answer(
    who: &Api,
    id: &Value,
    decision: &str,
    comment: Option<&str>,
) -> (StatusCode, Value) {
    let mut body = json!({"decision": decision});
    if let Some(comment) = comment {
        body["comment"] = json!(comment);
    }
    who.post(&format!("{WS}/approvals/{id}/answer"), body).await
}

async fn reach(ana: &Api, milestone: &Value) -> (StatusCode, Value) {
    ana.patch(
        &format!("{WS}/milestones/{}", milestone["id"]),
        json!({"reached": "2027-02-01"}),
    )
    .await
}

#[tokio::test]
async fn a_milestone_gate_holds_until_every_approver_approves() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let ada = Api::login(&server.base, "ada").await;
        let mel = Api::login(&server.base, "mel").await;
        let gus = Api::login(&server.base, "gus").await;
        plan(&ana).await;
        for who in ["mel", "ada", "gus"] {
            let (status, body) = ana
                .post(
                    &format!("{WS}/projects/LAUNCH/stakeholders"),
                    json!({"member": format!("{who}@x.org"), "role": "approver"}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let (_, beta) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/milestones"),
                json!({"name": "Beta", "date": "2027-02-01"}),
            )
            .await;

        // The approvers default to the approver stakeholders who may
        // answer: Gus is a guest and is left out.
        let (status, asked) = ana
            .post(
                &format!("{WS}/approvals"),
                json!({"milestone": beta["id"], "note": "Ready for **beta**?"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{asked}");
        assert_eq!(asked["state"], "pending");
        assert_eq!(asked["subject"]["kind"], "milestone");
        assert_eq!(asked["subject"]["title"], "Beta");
        assert_eq!(
            answers(&asked),
            [
                ("mel@x.org".to_string(), Value::Null),
                ("ada@x.org".to_string(), Value::Null)
            ]
        );
        let id = asked["id"].clone();
        let (status, body) = ana
            .post(&format!("{WS}/approvals"), json!({"milestone": beta["id"]}))
            .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "one open approval a subject: {body}"
        );

        // Waiting: the milestone cannot be marked reached.
        let (status, body) = reach(&ana, &beta).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["errors"][0]["field"], "reached", "{body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(&format!("#{id}")),
            "{body}"
        );

        // It waits in Mel's My Work and list.
        let (_, work) = mel.get(&format!("{WS}/my-work")).await;
        assert_eq!(work["approvals"][0]["id"], id, "{work}");
        let (_, mine) = mel.get(&format!("{WS}/approvals?mine=true")).await;
        assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
        let (_, none) = ana.get(&format!("{WS}/approvals?mine=true")).await;
        assert_eq!(none, json!([]), "Ana is not an approver");

        // Only approvers answer, once each; guests not at all.
        let (status, body) = answer(&ana, &id, "approve", None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, body) = answer(&gus, &id, "approve", None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, one) = answer(&mel, &id, "approve", Some("Looks good")).await;
        assert_eq!(status, StatusCode::OK, "{one}");
        assert_eq!(one["state"], "pending", "one of two approved");
        assert_eq!(one["approvers"][0]["comment"], "Looks good");
        assert!(one["approvers"][0]["answered_at"].is_string());
        let (status, body) = answer(&mel, &id, "reject", None).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");

        // Changes asked for must say which; a refusal changes nothing.
        let (status, body) = answer(&ada, &id, "request_changes", Some("  ")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["errors"][0]["field"], "comment");
        let (status, body) = answer(&ada, &id, "maybe", None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["errors"][0]["field"], "decision");
        let (_, same) = ana.get(&format!("{WS}/approvals/{id}")).await;
        assert_eq!(same["version"], one["version"], "{same}");
        // A stale version is refused.
        let (status, body) = ada
            .call_with(
                Method::POST,
                &format!("{WS}/approvals/{id}/answer"),
                Some(json!({"decision": "approve"})),
                &[("if-match", "\"1\"")],
            )
            .await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{body}");
        let (status, sent_back) =
            answer(&ada, &id, "request_changes", Some("Add the rollback plan")).await;
        assert_eq!(status, StatusCode::OK, "{sent_back}");
        assert_eq!(sent_back["state"], "changes_requested");
        let (status, _) = reach(&ana, &beta).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        // Its requester (or an owner or admin) resubmits; others may not.
        let (status, body) = mel
            .post(&format!("{WS}/approvals/{id}/resubmit"), json!(null))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, again) = ana
            .post(&format!("{WS}/approvals/{id}/resubmit"), json!(null))
            .await;
        assert_eq!(status, StatusCode::OK, "{again}");
        assert_eq!(again["state"], "pending");
        assert!(answers(&again).iter().all(|(_, d)| d.is_null()), "{again}");

        // One rejection rejects, and the gate stays shut.
        answer(&mel, &id, "approve", None).await;
        let (status, rejected) = answer(&ada, &id, "reject", Some("Not this quarter")).await;
        assert_eq!(status, StatusCode::OK, "{rejected}");
        assert_eq!(rejected["state"], "rejected");
        assert!(rejected["decided_at"].is_string());
        let (status, body) = reach(&ana, &beta).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("rejected"),
            "{body}"
        );
        let (status, body) = ana
            .post(&format!("{WS}/approvals/{id}/cancel"), json!(null))
            .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "a decided approval stays: {body}"
        );

        // A later approval that passes opens it.
        let (status, second) = ana
            .post(
                &format!("{WS}/approvals"),
                json!({"milestone": beta["id"], "approvers": ["mel@x.org"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{second}");
        let (_, approved) = answer(&mel, &second["id"], "approve", None).await;
        assert_eq!(approved["state"], "approved", "{approved}");
        let (status, reached) = reach(&ana, &beta).await;
        assert_eq!(status, StatusCode::OK, "{reached}");
        assert_eq!(reached["reached"], "2027-02-01");
        let (status, body) = ana
            .post(&format!("{WS}/approvals"), json!({"milestone": beta["id"]}))
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "reached already: {body}"
        );
        assert_eq!(body["errors"][0]["field"], "milestone");

        // Each step is in the project's history under the approval.
        let (_, history) = ana.get(&format!("{WS}/projects/LAUNCH/activity")).await;
        let actions: Vec<&str> = history
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["entity_kind"] == "approval")
            .map(|h| h["action"].as_str().unwrap())
            .collect();
        for action in ["requested", "answered", "decided", "resubmitted"] {
            assert!(actions.contains(&action), "{action} in {actions:?}");
        }
        let (_, work) = mel.get(&format!("{WS}/my-work")).await;
        assert_eq!(work["approvals"], json!([]), "nothing waits for Mel now");
    }
}

#[tokio::test]
async fn a_stage_change_is_made_when_approved_and_bad_requests_change_nothing() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        let gus = Api::login(&server.base, "gus").await;
        plan(&ana).await;
        hidden_beside(&ana, json!({"title": "Secret step"})).await;
        let (_, project) = ana.get(&format!("{WS}/projects/LAUNCH")).await;
        let stage = project["stage"].as_str().unwrap().to_string();

        let before = fingerprint(&ana).await;
        for (body, field) in [
            (json!({}), "task"),
            (json!({"task": "LAUNCH-1", "milestone": 1}), "task"),
            (json!({"project": "LAUNCH"}), "stage"),
            (json!({"project": "LAUNCH", "stage": "someday"}), "stage"),
            (json!({"project": "LAUNCH", "stage": stage}), "stage"),
            (json!({"task": "LAUNCH-1"}), "approvers"),
            (
                json!({"task": "LAUNCH-1", "approvers": ["gus@x.org"]}),
                "approvers",
            ),
            (
                json!({"task": "LAUNCH-1", "approvers": ["nobody@x.org"]}),
                "approvers",
            ),
            (
                json!({"task": "LAUNCH-1", "approvers": ["mel@x.org", "mel@x.org"]}),
                "approvers",
            ),
            (
                json!({"task": "LAUNCH-1", "approvers": ["not an email"]}),
                "approvers",
            ),
            // Nobody approves what they asked for.
            (
                json!({"task": "LAUNCH-1", "approvers": ["ana@x.org"]}),
                "approvers",
            ),
        ] {
            let (status, problem) = ana.post(&format!("{WS}/approvals"), body.clone()).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
        }
        let (status, _) = gus
            .post(
                &format!("{WS}/approvals"),
                json!({"task": "LAUNCH-1", "approvers": ["mel@x.org"]}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "guests ask for nothing");
        assert_eq!(fingerprint(&ana).await, before, "refusals wrote nothing");

        // The stage moves when its one approver approves.
        let (status, asked) = ana
            .post(
                &format!("{WS}/approvals"),
                json!({"project": "LAUNCH", "stage": "execution", "approvers": ["mel@x.org"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{asked}");
        assert_eq!(asked["subject"]["stage"], "execution");
        let (_, unchanged) = ana.get(&format!("{WS}/projects/LAUNCH")).await;
        assert_eq!(
            unchanged["stage"],
            stage.as_str(),
            "not before it is approved"
        );
        let (status, done) = answer(&mel, &asked["id"], "approve", None).await;
        assert_eq!(status, StatusCode::OK, "{done}");
        let (_, moved) = ana.get(&format!("{WS}/projects/LAUNCH")).await;
        assert_eq!(moved["stage"], "execution");
        assert_eq!(moved["version"], project["version"].as_i64().unwrap() + 1);

        // A task's approval, withdrawn, takes no answers.
        let (status, task_approval) = ana
            .post(
                &format!("{WS}/approvals"),
                json!({"task": "launch-1", "approvers": ["mel@x.org"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{task_approval}");
        assert_eq!(task_approval["subject"]["task"], "LAUNCH-1");
        let (_, of_task) = ana.get(&format!("{WS}/approvals?task=LAUNCH-1")).await;
        assert_eq!(of_task[0]["id"], task_approval["id"], "{of_task}");
        let (status, withdrawn) = ana
            .post(
                &format!("{WS}/approvals/{}/cancel", task_approval["id"]),
                json!(null),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{withdrawn}");
        assert_eq!(withdrawn["state"], "cancelled");
        let (status, _) = answer(&mel, &task_approval["id"], "approve", None).await;
        assert_eq!(status, StatusCode::CONFLICT);

        // A guest sees approvals of its projects only; the hidden one's
        // is not there, by list or by id.
        let (status, hidden) = ana
            .post(
                &format!("{WS}/approvals"),
                json!({"task": "HIDDEN-1", "approvers": ["mel@x.org"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{hidden}");
        let (status, seen) = gus.get(&format!("{WS}/approvals")).await;
        assert_eq!(status, StatusCode::OK);
        let seen = seen.to_string();
        assert!(
            seen.contains("LAUNCH-1") && !seen.contains("HIDDEN") && !seen.contains("Secret"),
            "{seen}"
        );
        let (status, _) = gus.get(&format!("{WS}/approvals/{}", hidden["id"])).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, body) = gus.get(&format!("{WS}/approvals?state=whenever")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["errors"][0]["field"], "state");
    }
}
