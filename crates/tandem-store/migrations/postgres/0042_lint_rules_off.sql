-- Plan lint rules a project has switched off (issue 16 item 3): a rule
-- is on unless a row here says otherwise, so new rules start on.
CREATE TABLE lint_rules_off (
    project_id  BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    rule        TEXT NOT NULL,
    PRIMARY KEY (project_id, rule)
);
