//! Accounts and the audit log in the store: users with roles, tokens and sessions that expire,
//! end and are revoked, and an audit chain whose edits, removals and truncation `check` finds.

use borderwatch_store::audit::testing::tamper;
use borderwatch_store::auth::{hash_password, new_token, verify_password};
use borderwatch_store::{AuditEntry, AuditFilter, Role};

const T0: &str = "2026-01-01T10:00:00Z";
const T1: &str = "2026-01-01T11:00:00Z";
const T2: &str = "2026-01-02T10:00:00Z";

mod engines;
use engines::Engine;

#[test]
fn users_roles_and_passwords() {
    engines::each("users", |e| {
        let s = e.open();
        assert_eq!(s.user_count().unwrap(), 0);
        let h = hash_password("a long password here").unwrap();
        let ana = s.add_user("ana", Role::Analyst, Some(&h), T0).unwrap();
        assert_eq!(
            (ana.role, ana.disabled, ana.has_password),
            (Role::Analyst, false, true)
        );
        assert!(s
            .add_user("ana", Role::Viewer, None, T0)
            .unwrap_err()
            .0
            .contains("already exists"));
        assert!(s.add_user("a b", Role::Viewer, None, T0).is_err());
        s.add_user("bo", Role::Viewer, None, T0).unwrap();
        assert_eq!(s.user_count().unwrap(), 2);
        let names: Vec<_> = s.users().unwrap().into_iter().map(|u| u.name).collect();
        assert_eq!(names, ["ana", "bo"]);

        let (u, stored) = s.password_hash("ana").unwrap().unwrap();
        assert_eq!(u.name, "ana");
        assert!(verify_password(&stored, "a long password here"));
        // No password: nothing to sign in with.
        assert!(s.password_hash("bo").unwrap().is_none());

        assert_eq!(
            s.set_role("ana", Role::SourceHandler, T1).unwrap().role,
            Role::SourceHandler
        );
        assert!(s.set_role("nobody", Role::Admin, T1).is_err());
        s.set_disabled("ana", true, T1).unwrap();
        assert!(s.password_hash("ana").unwrap().is_none());
        // Disabled users still count: the store stays in team mode.
        assert_eq!(s.user_count().unwrap(), 2);
        s.set_disabled("ana", false, T1).unwrap();
        assert!(s.password_hash("ana").unwrap().is_some());
    });
}

#[test]
fn tokens_expire_and_are_revoked() {
    engines::each("tokens", |e| {
        let s = e.open();
        s.add_user("ana", Role::Analyst, None, T0).unwrap();
        let t = new_token().unwrap();
        let id = s.add_token("ana", &t, "script", T0, T2).unwrap();
        assert_eq!(s.token_user(&t, T1).unwrap().unwrap().name, "ana");
        assert!(s.token_user(&t, T2).unwrap().is_none(), "expired at T2");
        assert!(s.token_user("bwt_other", T1).unwrap().is_none());
        // Only the hash is kept.
        let rows = s.tokens(Some("ana")).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].label, "script");

        assert!(s.revoke_token("ana", id, T1).unwrap());
        assert!(!s.revoke_token("ana", id, T1).unwrap());
        assert!(s.token_user(&t, T1).unwrap().is_none());

        let t2 = new_token().unwrap();
        s.add_token("ana", &t2, "cron", T0, T2).unwrap();
        s.set_disabled("ana", true, T1).unwrap();
        assert!(s.token_user(&t2, T1).unwrap().is_none());
        s.set_disabled("ana", false, T1).unwrap();
        // Disabling revoked it for good.
        assert!(s.token_user(&t2, T1).unwrap().is_none());
    });
}

#[test]
fn sessions_expire_end_and_end_with_changes() {
    engines::each("sessions", |e| {
        let s = e.open();
        let u = s.add_user("ana", Role::Analyst, None, T0).unwrap();
        s.add_session(u.id, "secret-1", "csrf-1", Some("127.0.0.1"), T0, T2)
            .unwrap();
        let live = s.session("secret-1", T1).unwrap().unwrap();
        assert_eq!(
            (live.user.name.as_str(), live.csrf.as_str()),
            ("ana", "csrf-1")
        );
        assert_eq!(live.seen_at, T0);
        s.touch_session(live.id, T1).unwrap();
        assert_eq!(s.session("secret-1", T1).unwrap().unwrap().seen_at, T1);
        // Never moved back.
        s.touch_session(live.id, T0).unwrap();
        assert_eq!(s.session("secret-1", T1).unwrap().unwrap().seen_at, T1);
        assert!(s.session("secret-1", T2).unwrap().is_none(), "expired");
        assert!(s.session("secret-2", T1).unwrap().is_none());
        assert!(s.end_session("secret-1", T1).unwrap());
        assert!(s.session("secret-1", T0).unwrap().is_none(), "signed out");

        s.add_session(u.id, "secret-3", "c", None, T0, T2).unwrap();
        let id = s.session("secret-3", T1).unwrap().unwrap().id;
        assert!(s.end_session_id(id, T1).unwrap());
        assert!(s.session("secret-3", T1).unwrap().is_none());
        // A new role, a new password, or a disabled account ends the sessions.
        for change in 0..3 {
            let secret = format!("s{change}");
            s.add_session(u.id, &secret, "c", None, T0, T2).unwrap();
            assert!(s.session(&secret, T1).unwrap().is_some());
            match change {
                0 => drop(s.set_role("ana", Role::Viewer, T1).unwrap()),
                1 => drop(
                    s.set_password("ana", &hash_password("another long one").unwrap(), T1)
                        .unwrap(),
                ),
                _ => drop(s.set_disabled("ana", true, T1).unwrap()),
            }
            assert!(s.session(&secret, T1).unwrap().is_none(), "change {change}");
        }
    });
}

fn entry(i: usize) -> AuditEntry {
    AuditEntry {
        at: format!("2026-01-0{}T10:00:00Z", 1 + i % 5),
        actor: Some(if i.is_multiple_of(2) { "ana" } else { "bo" }.into()),
        action: if i.is_multiple_of(3) {
            "upload"
        } else {
            "sign-in"
        }
        .into(),
        target: Some(format!("source {i}")),
        address: Some("127.0.0.1".into()),
        outcome: "ok".into(),
        detail: None,
    }
}

fn logged(e: &Engine, n: usize) {
    let s = e.open();
    for i in 0..n {
        assert_eq!(s.append_audit(&entry(i)).unwrap(), i as i64 + 1);
    }
    assert!(s.check().unwrap().is_empty(), "{:?}", s.check().unwrap());
}

#[test]
fn the_audit_log_reads_back_filtered() {
    engines::each("the_audit_log_reads_", |e| {
        logged(e, 6);
        let s = e.open();
        let all = s.audit(&AuditFilter::default()).unwrap();
        assert_eq!(all.len(), 6);
        assert_eq!(all[0].entry, entry(0));
        let ana = s
            .audit(&AuditFilter {
                actor: Some("ana".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(ana.iter().map(|r| r.id).collect::<Vec<_>>(), [1, 3, 5]);
        let uploads = s
            .audit(&AuditFilter {
                action: Some("upload".into()),
                since: Some("2026-01-02".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(uploads.iter().map(|r| r.id).collect::<Vec<_>>(), [4]);
        let last = s
            .audit(&AuditFilter {
                limit: Some(2),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(last.iter().map(|r| r.id).collect::<Vec<_>>(), [5, 6]);
        assert_eq!(s.audit_head().unwrap().unwrap().0, 6);
    });
}

#[test]
fn the_audit_log_refuses_changes() {
    engines::each("the_audit_log_refuse", |e| {
        logged(e, 2);
        let raw = rusqlite_free_update(e, "UPDATE audit SET actor = 'eve' WHERE id = 1");
        assert!(raw.contains("never changed"), "{raw}");
        let raw = rusqlite_free_update(e, "DELETE FROM audit WHERE id = 1");
        assert!(raw.contains("never deleted"), "{raw}");
    });
}

/// Runs SQL through the store's test helper with the triggers kept: the error it gets.
fn rusqlite_free_update(e: &Engine, sql: &str) -> String {
    borderwatch_store::testing::run_sql_at(&e.at, sql)
        .err()
        .map(|e| e.0)
        .unwrap_or_default()
}

#[test]
fn db_check_finds_every_kind_of_tampering() {
    let cases = [
        (
            "edit",
            "UPDATE audit SET actor = 'eve' WHERE id = 3",
            "entry 3 does not match",
        ),
        (
            "delete",
            "DELETE FROM audit WHERE id = 3",
            "entry 4 does not follow entry 2",
        ),
        (
            "truncate",
            "DELETE FROM audit WHERE id = 5",
            "ends at entry 4 but its head names entry 5",
        ),
        (
            "rehash",
            // An edit with its own hash recomputed still breaks the next entry's link.
            "UPDATE audit SET hash = 'x' WHERE id = 2",
            "entry 3 does not follow entry 2",
        ),
        ("head", "DELETE FROM audit_head", "no head"),
    ];
    for (name, sql, want) in cases {
        let e = engines::sqlite(name);
        let engines = std::iter::once(e).chain(engines::postgres(name));
        for e in engines {
            logged(&e, 5);
            tamper(&e.at, sql).unwrap();
            let s = e.open();
            let problems = s.check().unwrap();
            assert!(
                problems.iter().any(|l| l.contains(want)),
                "{name} on {}: {problems:?}",
                e.name
            );
        }
    }
}
