//! `borderwatch users` and `borderwatch audit`: accounts of a team server and its audit log.
//!
//! Owns the commands' argv and output: a new password or token is printed once and never
//! again (the store keeps only hashes); every change is written to the audit log as done by
//! `cli:` and the login name of whoever ran it. Refuses deciding what roles allow (the server).

use std::io::{BufRead, Write};
use std::path::PathBuf;

use borderwatch_store::auth::{self, Role};
use borderwatch_store::{AuditEntry, AuditFilter, Store};
use clap::{Subcommand, ValueEnum};

use crate::store_cmd::{open, store_err};
use crate::{Failure, Outcome};

pub const EXAMPLES: &str = "Examples:
  borderwatch users add ana --role admin
  printf '%s\\n' \"$PASSWORD\" | borderwatch users add bo --role analyst --password-stdin
  borderwatch users list
  borderwatch users set-role bo source-handler
  borderwatch users token bo --label nightly-ingest --days 30
  borderwatch users token bo --revoke 3
  borderwatch users disable bo";

fn role(s: &str) -> Result<Role, String> {
    Role::parse(s)
}

#[derive(Subcommand)]
pub enum UsersCommand {
    /// Add a user; prints a one-time password (unless --password-stdin) and a first API token.
    Add {
        name: String,
        /// viewer, analyst, source-handler or admin.
        #[arg(long, value_parser = role)]
        role: Role,
        /// Read the password from the first line of standard input instead of making one.
        #[arg(long)]
        password_stdin: bool,
        /// Days the first token is valid.
        #[arg(long, value_name = "DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=3650))]
        token_days: u32,
    },
    /// List users: name, role, state, when added and changed, live tokens.
    List {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Disable a user: their sessions end and their tokens are revoked.
    Disable { name: String },
    /// Enable a disabled user again (they need a new token).
    Enable { name: String },
    /// Change a user's role; their sessions end.
    SetRole {
        name: String,
        #[arg(value_parser = role)]
        role: Role,
    },
    /// A new password (printed once, unless --password-stdin); the user's sessions end.
    Reset {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// A new API token for a user (printed once), or --revoke one, or --list them.
    Token {
        name: String,
        /// What the token is for.
        #[arg(long, default_value = "token")]
        label: String,
        /// Days the token is valid.
        #[arg(long, value_name = "DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=3650))]
        days: u32,
        /// Revoke the token with this id (see --list) instead.
        #[arg(long, value_name = "ID", conflicts_with = "list")]
        revoke: Option<i64>,
        /// Revoke every token of the user instead.
        #[arg(long, conflicts_with_all = ["list", "revoke"])]
        revoke_all: bool,
        /// List the user's tokens (never their secrets) instead.
        #[arg(long)]
        list: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(clap::Args)]
pub struct AuditArgs {
    /// Entries at or after this date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM:SSZ).
    #[arg(long)]
    since: Option<String>,
    /// Entries by this user (`cli:NAME` for changes made on the command line).
    #[arg(long)]
    user: Option<String>,
    /// Entries of this action (sign-in, upload, review, read-attribution, read-text, export,
    /// refused, user-add, …).
    #[arg(long)]
    action: Option<String>,
    /// The latest N entries.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Print the chain's head (last id and hash) only: note it elsewhere to compare later.
    #[arg(long)]
    head: bool,
}

/// Who runs the command, as the audit log names them.
pub fn cli_actor() -> String {
    let who = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{who}")
}

fn secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn audit(
    store: &Store,
    now: &str,
    action: &str,
    target: String,
    detail: Option<String>,
) -> Result<(), Failure> {
    store
        .append_audit(&AuditEntry {
            at: now.to_string(),
            actor: Some(cli_actor()),
            action: action.into(),
            target: Some(target),
            address: Some("local".into()),
            outcome: "ok".into(),
            detail,
        })
        .map_err(store_err)?;
    Ok(())
}

/// Records a command-line read of the store (an export, attribution shown) in the audit log,
/// when the store has users: a team's store knows who took what out of it. A store without
/// users (one analyst's) is not written to by reads.
pub fn audit_read(
    store: &Store,
    action: &str,
    target: String,
    detail: Option<String>,
) -> Result<(), Failure> {
    if store.user_count().map_err(store_err)? == 0 {
        return Ok(());
    }
    let now = auth::timestamp(secs());
    audit(store, &now, action, target, detail)
}

fn read_password() -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::input(format!("error: standard input: {e}")))?;
    let p = line.trim_end_matches(['\n', '\r']).to_string();
    if p.is_empty() {
        return Err(Failure::input(
            "error: --password-stdin: standard input had no password on its first line",
        ));
    }
    Ok(p)
}

/// A password from standard input, or a new one to print once.
fn password(from_stdin: bool) -> Result<(String, bool), Failure> {
    if from_stdin {
        Ok((read_password()?, false))
    } else {
        Ok((auth::new_password().map_err(store_err)?, true))
    }
}

fn new_token(
    store: &Store,
    name: &str,
    label: &str,
    days: u32,
    now_secs: i64,
) -> Result<(String, i64, String), Failure> {
    let now = auth::timestamp(now_secs);
    let expires = auth::timestamp(now_secs + i64::from(days) * 86_400);
    let token = auth::new_token().map_err(store_err)?;
    let id = store
        .add_token(name, &token, label, &now, &expires)
        .map_err(store_err)?;
    Ok((token, id, expires))
}

pub fn users(db: &Option<PathBuf>, c: &UsersCommand) -> Outcome {
    let store = open(db)?;
    let now_secs = secs();
    let now = auth::timestamp(now_secs);
    let mut o = std::io::stdout().lock();
    match c {
        UsersCommand::Add {
            name,
            role,
            password_stdin,
            token_days,
        } => {
            auth::check_name(name).map_err(store_err)?;
            let (pw, shown) = password(*password_stdin)?;
            let hash = auth::hash_password(&pw).map_err(store_err)?;
            let u = store
                .add_user(name, *role, Some(&hash), &now)
                .map_err(store_err)?;
            let (token, id, expires) = new_token(&store, name, "first", *token_days, now_secs)?;
            audit(
                &store,
                &now,
                "user-add",
                format!("user {name}"),
                Some(format!("role {role}")),
            )?;
            audit(
                &store,
                &now,
                "token-add",
                format!("user {name} token {id}"),
                None,
            )?;
            writeln!(o, "added {} ({})", u.name, u.role)?;
            if shown {
                writeln!(o, "password: {pw}")?;
            }
            writeln!(o, "token {id}: {token} (expires {expires})")?;
            writeln!(
                o,
                "shown once: the store keeps only their hashes{}",
                if shown {
                    "; `users reset` makes a new password"
                } else {
                    ""
                }
            )?;
        }
        UsersCommand::List { format } => {
            let users = store.users().map_err(store_err)?;
            let tokens = store.tokens(None).map_err(store_err)?;
            let live = |name: &str| {
                tokens
                    .iter()
                    .filter(|t| t.user == name && t.revoked_at.is_none() && t.expires_at > now)
                    .count()
            };
            match format {
                Format::Json => {
                    let v: Vec<_> = users
                        .iter()
                        .map(|u| {
                            serde_json::json!({
                                "name": u.name, "role": u.role.as_str(), "disabled": u.disabled,
                                "has_password": u.has_password, "created_at": u.created_at,
                                "changed_at": u.changed_at, "live_tokens": live(&u.name),
                            })
                        })
                        .collect();
                    writeln!(o, "{}", serde_json::json!({ "users": v }))?;
                }
                Format::Text => {
                    if users.is_empty() {
                        writeln!(
                            o,
                            "no users: `serve` runs in single-analyst mode, on loopback only"
                        )?;
                    }
                    for u in &users {
                        writeln!(
                            o,
                            "{}\t{}\t{}\tadded {}\tchanged {}\t{} live tokens",
                            u.name,
                            u.role,
                            if u.disabled { "disabled" } else { "enabled" },
                            u.created_at,
                            u.changed_at,
                            live(&u.name)
                        )?;
                    }
                }
            }
        }
        UsersCommand::Disable { name } => {
            store.set_disabled(name, true, &now).map_err(store_err)?;
            audit(&store, &now, "user-disable", format!("user {name}"), None)?;
            writeln!(o, "disabled {name}: sessions ended, tokens revoked")?;
        }
        UsersCommand::Enable { name } => {
            store.set_disabled(name, false, &now).map_err(store_err)?;
            audit(&store, &now, "user-enable", format!("user {name}"), None)?;
            writeln!(o, "enabled {name} (`users token {name}` gives a new token)")?;
        }
        UsersCommand::SetRole { name, role } => {
            let before = store
                .user(name)
                .map_err(store_err)?
                .map(|u| u.role.to_string());
            store.set_role(name, *role, &now).map_err(store_err)?;
            audit(
                &store,
                &now,
                "user-role",
                format!("user {name}"),
                Some(format!("{} -> {role}", before.unwrap_or_default())),
            )?;
            writeln!(o, "{name} is now {role}; their sessions ended")?;
        }
        UsersCommand::Reset {
            name,
            password_stdin,
        } => {
            let (pw, shown) = password(*password_stdin)?;
            let hash = auth::hash_password(&pw).map_err(store_err)?;
            store.set_password(name, &hash, &now).map_err(store_err)?;
            audit(&store, &now, "user-reset", format!("user {name}"), None)?;
            if shown {
                writeln!(o, "password: {pw}")?;
                writeln!(o, "shown once; {name}'s sessions ended")?;
            } else {
                writeln!(o, "password set; {name}'s sessions ended")?;
            }
        }
        UsersCommand::Token {
            name,
            label,
            days,
            revoke,
            revoke_all,
            list,
        } => {
            if *list {
                store.user(name).map_err(store_err)?.ok_or_else(|| {
                    Failure::input(format!(
                        "error: no user {name:?} (see `borderwatch users list`)"
                    ))
                })?;
                for t in store.tokens(Some(name)).map_err(store_err)? {
                    let state = match &t.revoked_at {
                        Some(at) => format!("revoked {at}"),
                        None if t.expires_at <= now => format!("expired {}", t.expires_at),
                        None => format!("expires {}", t.expires_at),
                    };
                    writeln!(
                        o,
                        "{}\t{}\tcreated {}\t{state}",
                        t.id, t.label, t.created_at
                    )?;
                }
            } else if let Some(id) = revoke {
                if !store.revoke_token(name, *id, &now).map_err(store_err)? {
                    return Err(Failure::input(format!(
                        "error: {name} has no live token {id} (see `users token {name} --list`)"
                    )));
                }
                audit(
                    &store,
                    &now,
                    "token-revoke",
                    format!("user {name} token {id}"),
                    None,
                )?;
                writeln!(o, "revoked token {id} of {name}")?;
            } else if *revoke_all {
                let n = store.revoke_tokens(name, &now).map_err(store_err)?;
                audit(
                    &store,
                    &now,
                    "token-revoke",
                    format!("user {name}"),
                    Some(format!("{n} tokens")),
                )?;
                writeln!(o, "revoked {n} tokens of {name}")?;
            } else {
                let (token, id, expires) = new_token(&store, name, label, *days, now_secs)?;
                audit(
                    &store,
                    &now,
                    "token-add",
                    format!("user {name} token {id}"),
                    Some(format!("label {label}")),
                )?;
                writeln!(o, "token {id}: {token} (expires {expires})")?;
                writeln!(o, "shown once: the store keeps only its hash")?;
            }
        }
    }
    Ok(0)
}

/// A field of the text form: control characters (a tab or newline in a name a client sent)
/// escaped, so that one entry is one line of tab-separated fields.
fn field(v: Option<&str>) -> String {
    match v {
        None => "-".into(),
        Some(v) => v
            .chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    }
}

pub fn audit_log(db: &Option<PathBuf>, a: &AuditArgs) -> Outcome {
    let store: Store = open(db)?;
    let mut o = std::io::stdout().lock();
    if a.head {
        match store.audit_head().map_err(store_err)? {
            Some((id, hash)) => writeln!(o, "{id}\t{hash}")?,
            None => writeln!(o, "the audit log is empty")?,
        }
        return Ok(0);
    }
    if let Some(s) = &a.since {
        let ok =
            s.len() >= 10 && borderwatch_model::Date::parse_from_str(&s[..10], "%Y-%m-%d").is_ok();
        if !ok {
            return Err(Failure::input(format!(
                "error: --since {s:?}: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"
            )));
        }
    }
    let rows = store
        .audit(&AuditFilter {
            since: a.since.clone(),
            actor: a.user.clone(),
            action: a.action.clone(),
            limit: a.limit,
        })
        .map_err(store_err)?;
    for r in rows {
        let e = &r.entry;
        match a.format {
            Format::Json => writeln!(
                o,
                "{}",
                serde_json::json!({
                    "id": r.id, "at": e.at, "actor": e.actor, "action": e.action,
                    "target": e.target, "address": e.address, "outcome": e.outcome,
                    "detail": e.detail, "hash": r.hash,
                })
            )?,
            Format::Text => writeln!(
                o,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}{}",
                r.id,
                e.at,
                field(e.actor.as_deref()),
                field(Some(&e.action)),
                field(e.target.as_deref()),
                field(e.address.as_deref()),
                field(Some(&e.outcome)),
                e.detail
                    .as_deref()
                    .map(|d| format!("\t{}", field(Some(d))))
                    .unwrap_or_default()
            )?,
        }
    }
    Ok(0)
}
