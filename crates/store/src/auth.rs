//! Accounts in the store: users and their roles, API tokens and sign-in sessions.
//!
//! Owns the `users`, `tokens` and `sessions` rows, and the secrets' form at rest: passwords as
//! argon2id PHC strings, tokens and session ids as the SHA-256 of a random secret (a token has
//! 256 random bits, so a fast hash is enough; a password is chosen by a person, so it gets the
//! slow one). Secrets are made here from the system's random source and shown to the caller
//! once; the store keeps only their hashes.
//!
//! Refuses: deciding who may do what (the server checks roles per route) and rate limits (the
//! server keeps those); it stores and answers.

use std::fmt;

use crate::db::params;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::{sha256_hex, Result, Store, StoreError};

/// What a user may do; each role may do everything the ones before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Corridors, findings, claims and their quotes, with attribution removed.
    Viewer,
    /// Also reviews, uploads, extraction previews and source text with speakers withheld.
    Analyst,
    /// Also attribution (who said it) and the raw text of sources.
    SourceHandler,
    /// Also users, the audit log and settings.
    Admin,
}

/// Every role, lowest first.
pub const ROLES: &[Role] = &[
    Role::Viewer,
    Role::Analyst,
    Role::SourceHandler,
    Role::Admin,
];

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::SourceHandler => "source-handler",
            Role::Admin => "admin",
        }
    }

    /// A role by its name; the error lists the names.
    pub fn parse(s: &str) -> std::result::Result<Role, String> {
        ROLES
            .iter()
            .copied()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "role {s:?}: expected one of {}",
                    ROLES
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user as stored (never with the password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub has_password: bool,
    pub created_at: String,
    pub changed_at: String,
}

/// An API token's record (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: i64,
    pub user: String,
    pub label: String,
    pub created_at: String,
    pub expires_at: String,
    pub revoked_at: Option<String>,
}

/// A signed-in session found by its cookie.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: i64,
    pub user: User,
    /// The value every state-changing request of this session must carry.
    pub csrf: String,
    pub expires_at: String,
    /// When it was last used (updated at most as often as the server chooses).
    pub seen_at: String,
}

/// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ`, the form the store compares times in (as
/// text: the form sorts as time does). Expiries are computed with it.
pub fn timestamp(unix_secs: i64) -> String {
    let days = unix_secs.div_euclid(86_400);
    let t = unix_secs.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

/// `count` random bytes from the system, as lowercase hex.
pub fn random_hex(count: usize) -> Result<String> {
    let mut b = vec![0u8; count];
    getrandom::fill(&mut b)
        .map_err(|e| StoreError(format!("the system's random source failed: {e}")))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// A new API token: `bwt_` and 64 hex digits (256 random bits).
pub fn new_token() -> Result<String> {
    Ok(format!("bwt_{}", random_hex(32)?))
}

/// A one-time password a person can type: 20 letters and digits from an alphabet without
/// look-alikes (about 100 bits).
pub fn new_password() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut b = [0u8; 20];
    getrandom::fill(&mut b)
        .map_err(|e| StoreError(format!("the system's random source failed: {e}")))?;
    // 256 % 31 leaves a slight bias towards the first letters; at 20 characters it costs
    // under a bit of the password's strength.
    let s: String = b
        .iter()
        .map(|x| ALPHABET[*x as usize % ALPHABET.len()] as char)
        .collect();
    Ok(format!(
        "{}-{}-{}-{}",
        &s[..5],
        &s[5..10],
        &s[10..15],
        &s[15..]
    ))
}

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 12;

/// An argon2id hash of a password (the crate's default parameters: 19 MiB, 2 passes).
pub fn hash_password(password: &str) -> Result<String> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(StoreError(format!(
            "the password is {} characters; at least {MIN_PASSWORD} are needed",
            password.chars().count()
        )));
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| StoreError(format!("the system's random source failed: {e}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| StoreError(format!("cannot encode a salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError(format!("cannot hash the password: {e}")))
}

/// Whether `password` matches a stored hash (an unreadable hash matches nothing).
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash to verify against when the account does not exist, so that a wrong name takes as
/// long as a wrong password (the names of accounts are not told by timing).
pub fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("not a password of anyone").unwrap_or_default())
}

/// A user name: 1 to 64 letters, digits, `.`, `_`, `-`, `@`.
pub fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(StoreError(format!(
            "user name {name:?}: expected 1 to 64 letters, digits, '.', '_', '-' or '@'"
        )))
    }
}

const USER_COLUMNS: &str =
    "u.id, u.name, u.role, u.disabled, u.password IS NOT NULL, u.created_at, u.changed_at";

fn user_row(r: &crate::db::Row<'_>, at: usize) -> Result<User> {
    let role: String = r.get(at + 2)?;
    Ok(User {
        id: r.get(at)?,
        name: r.get(at + 1)?,
        // The CHECK constraint keeps other names out.
        role: Role::parse(&role).unwrap_or(Role::Viewer),
        disabled: r.get::<_, i64>(at + 3)? != 0,
        has_password: r.get(at + 4)?,
        created_at: r.get(at + 5)?,
        changed_at: r.get(at + 6)?,
    })
}

impl Store {
    /// How many users the store has, disabled ones included: a store that ever had a user
    /// never goes back to single-analyst mode.
    pub fn user_count(&self) -> Result<i64> {
        self.conn
            .query_row("SELECT count(*) FROM users", params![], |r| r.get(0))
    }

    /// Adds a user; a name already taken is an error.
    pub fn add_user(
        &self,
        name: &str,
        role: Role,
        password_hash: Option<&str>,
        now: &str,
    ) -> Result<User> {
        check_name(name)?;
        if self.user(name)?.is_some() {
            return Err(StoreError(format!("user {name:?} already exists")));
        }
        self.conn.execute(
            "INSERT INTO users (name, role, password, created_at, changed_at) \
             VALUES (?1, ?2, ?3, ?4, ?4)",
            params![name, role.as_str(), password_hash, now],
        )?;
        self.user(name)?
            .ok_or_else(|| StoreError(format!("user {name:?} vanished")))
    }

    /// Every user, by name.
    pub fn users(&self) -> Result<Vec<User>> {
        let rows = self.conn.query(
            &format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.name"),
            params![],
            |r| user_row(r, 0),
        )?;
        Ok(rows)
    }

    /// One user by name.
    pub fn user(&self, name: &str) -> Result<Option<User>> {
        self.conn.query_opt(
            &format!("SELECT {USER_COLUMNS} FROM users u WHERE u.name = ?1"),
            params![name],
            |r| user_row(r, 0),
        )
    }

    fn must_user(&self, name: &str) -> Result<User> {
        self.user(name)?
            .ok_or_else(|| StoreError(format!("no user {name:?} (see `borderwatch users list`)")))
    }

    /// A user's password hash, when the user exists, is enabled and has a password.
    pub fn password_hash(&self, name: &str) -> Result<Option<(User, String)>> {
        self.conn.query_opt(
            &format!(
                "SELECT {USER_COLUMNS}, u.password FROM users u \
                     WHERE u.name = ?1 AND u.disabled = 0 AND u.password IS NOT NULL"
            ),
            params![name],
            |r| Ok((user_row(r, 0)?, r.get(7)?)),
        )
    }

    /// Changes a user's role; their sessions end (they sign in again under the new role).
    pub fn set_role(&self, name: &str, role: Role, now: &str) -> Result<User> {
        let u = self.must_user(name)?;
        self.conn.execute(
            "UPDATE users SET role = ?1, changed_at = ?2 WHERE id = ?3",
            params![role.as_str(), now, u.id],
        )?;
        self.end_sessions_of(u.id, now)?;
        self.must_user(name)
    }

    /// Disables a user (or enables one again). A disabled user's sessions end and tokens are
    /// revoked: enabling them again needs a new token and a new sign-in.
    pub fn set_disabled(&self, name: &str, disabled: bool, now: &str) -> Result<User> {
        let u = self.must_user(name)?;
        self.conn.execute(
            "UPDATE users SET disabled = ?1, changed_at = ?2 WHERE id = ?3",
            params![disabled as i64, now, u.id],
        )?;
        if disabled {
            self.end_sessions_of(u.id, now)?;
            self.revoke_tokens(name, now)?;
        }
        self.must_user(name)
    }

    /// Sets a new password hash; the user's sessions end.
    pub fn set_password(&self, name: &str, password_hash: &str, now: &str) -> Result<User> {
        let u = self.must_user(name)?;
        self.conn.execute(
            "UPDATE users SET password = ?1, changed_at = ?2 WHERE id = ?3",
            params![password_hash, now, u.id],
        )?;
        self.end_sessions_of(u.id, now)?;
        self.must_user(name)
    }

    /// Stores a token's hash for a user; returns the token's id.
    pub fn add_token(
        &self,
        name: &str,
        token: &str,
        label: &str,
        now: &str,
        expires_at: &str,
    ) -> Result<i64> {
        let u = self.must_user(name)?;
        self.conn.insert(
            "INSERT INTO tokens (user_id, hash, label, created_at, expires_at) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![u.id, sha256_hex(token.as_bytes()), label, now, expires_at],
        )
    }

    /// A user's tokens (or everyone's), newest first.
    pub fn tokens(&self, name: Option<&str>) -> Result<Vec<TokenRow>> {
        let rows = self.conn.query(
            "SELECT t.id, u.name, t.label, t.created_at, t.expires_at, t.revoked_at \
             FROM tokens t JOIN users u ON u.id = t.user_id \
             WHERE CAST(?1 AS TEXT) IS NULL OR u.name = ?1 ORDER BY t.id DESC",
            params![name],
            |r| {
                Ok(TokenRow {
                    id: r.get(0)?,
                    user: r.get(1)?,
                    label: r.get(2)?,
                    created_at: r.get(3)?,
                    expires_at: r.get(4)?,
                    revoked_at: r.get(5)?,
                })
            },
        )?;
        Ok(rows)
    }

    /// Revokes every live token of a user; returns how many.
    pub fn revoke_tokens(&self, name: &str, now: &str) -> Result<usize> {
        let u = self.must_user(name)?;
        self.conn.execute(
            "UPDATE tokens SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS NULL",
            params![now, u.id],
        )
    }

    /// Revokes one token by id (of the named user); false when there is no such live token.
    pub fn revoke_token(&self, name: &str, id: i64, now: &str) -> Result<bool> {
        let u = self.must_user(name)?;
        Ok(self.conn.execute(
            "UPDATE tokens SET revoked_at = ?1 WHERE id = ?2 AND user_id = ?3 \
             AND revoked_at IS NULL",
            params![now, id, u.id],
        )? == 1)
    }

    /// The enabled user a live (not revoked, not expired) token belongs to.
    pub fn token_user(&self, token: &str, now: &str) -> Result<Option<User>> {
        self.conn.query_opt(
            &format!(
                "SELECT {USER_COLUMNS} FROM tokens t JOIN users u ON u.id = t.user_id \
                     WHERE t.hash = ?1 AND t.revoked_at IS NULL AND t.expires_at > ?2 \
                     AND u.disabled = 0"
            ),
            params![sha256_hex(token.as_bytes()), now],
            |r| user_row(r, 0),
        )
    }

    /// Starts a session for a user: `secret` is the cookie's value (stored hashed), `csrf` the
    /// value its writes must carry.
    pub fn add_session(
        &self,
        user_id: i64,
        secret: &str,
        csrf: &str,
        address: Option<&str>,
        now: &str,
        expires_at: &str,
    ) -> Result<i64> {
        self.conn.insert(
            "INSERT INTO sessions (user_id, hash, csrf, address, created_at, seen_at, \
             expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
            params![
                user_id,
                sha256_hex(secret.as_bytes()),
                csrf,
                address,
                now,
                expires_at
            ],
        )
    }

    /// The live session (not ended, not expired, its user enabled) with this cookie value.
    pub fn session(&self, secret: &str, now: &str) -> Result<Option<SessionRow>> {
        self.conn.query_opt(
            &format!(
                "SELECT s.id, s.csrf, s.expires_at, s.seen_at, {USER_COLUMNS} FROM sessions s \
                     JOIN users u ON u.id = s.user_id \
                     WHERE s.hash = ?1 AND s.ended_at IS NULL AND s.expires_at > ?2 \
                     AND u.disabled = 0"
            ),
            params![sha256_hex(secret.as_bytes()), now],
            |r| {
                Ok(SessionRow {
                    id: r.get(0)?,
                    csrf: r.get(1)?,
                    expires_at: r.get(2)?,
                    seen_at: r.get(3)?,
                    user: user_row(r, 4)?,
                })
            },
        )
    }

    /// Records that a session was used now.
    pub fn touch_session(&self, id: i64, now: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE sessions SET seen_at = ?1 WHERE id = ?2 AND seen_at < ?1",
            params![now, id],
        )?;
        Ok(())
    }

    /// Ends a session by id (it went idle too long); false when it was not live.
    pub fn end_session_id(&self, id: i64, now: &str) -> Result<bool> {
        Ok(self.conn.execute(
            "UPDATE sessions SET ended_at = ?1 WHERE id = ?2 AND ended_at IS NULL",
            params![now, id],
        )? == 1)
    }

    /// Ends one session (sign-out); false when it was not live.
    pub fn end_session(&self, secret: &str, now: &str) -> Result<bool> {
        Ok(self.conn.execute(
            "UPDATE sessions SET ended_at = ?1 WHERE hash = ?2 AND ended_at IS NULL",
            params![now, sha256_hex(secret.as_bytes())],
        )? == 1)
    }

    fn end_sessions_of(&self, user_id: i64, now: &str) -> Result<usize> {
        self.conn.execute(
            "UPDATE sessions SET ended_at = ?1 WHERE user_id = ?2 AND ended_at IS NULL",
            params![now, user_id],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "correct horse battery!"));
        assert!(!verify_password("not a hash", "x"));
        assert!(hash_password("short")
            .unwrap_err()
            .0
            .contains("at least 12"));
    }

    #[test]
    fn secrets_are_fresh_and_well_formed() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 64);
        let p = new_password().unwrap();
        assert_eq!(p.len(), 23);
        assert!(p.chars().all(|c| c == '-' || c.is_ascii_alphanumeric()));
    }

    #[test]
    fn timestamps() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(timestamp(1_767_225_599), "2025-12-31T23:59:59Z");
    }

    #[test]
    fn roles_round_trip_and_order() {
        for r in ROLES {
            assert_eq!(Role::parse(r.as_str()), Ok(*r));
        }
        assert!(Role::Viewer < Role::Analyst && Role::SourceHandler < Role::Admin);
        assert!(Role::parse("root").unwrap_err().contains("viewer, analyst"));
    }
}
