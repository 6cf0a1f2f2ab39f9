//! Expired sessions are purged, live ones kept.

use super::*;

#[tokio::test]
async fn expired_sessions_are_purged_and_live_ones_kept() {
    for store in backends().await {
        let store = store.as_ref();
        let w = world(store).await;
        let now = chrono::Utc::now();
        let day = chrono::Duration::days(1);
        store
            .create_session(w.owner.user_id, "expired", now - day)
            .await
            .unwrap();
        store
            .create_session(w.owner.user_id, "live", now + day)
            .await
            .unwrap();
        assert_eq!(store.purge_expired_sessions(now).await.unwrap(), 1);
        assert_eq!(store.purge_expired_sessions(now).await.unwrap(), 0);
        assert!(store.session_user("live", now).await.unwrap().is_some());
        // Read past its expiry, the expired one was never valid anyway;
        // the purge removed the row itself.
        assert!(
            store
                .session_user("expired", now - day * 2)
                .await
                .unwrap()
                .is_none()
        );
    }
}
