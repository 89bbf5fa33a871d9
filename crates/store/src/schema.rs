//! Numbered migrations. The schema version lives in `PRAGMA user_version`; each migration runs
//! in its own transaction and bumps it. A database newer than this binary is refused.

use rusqlite::Connection;

use crate::StoreError;

/// Migrations in order; index + 1 is the version each one brings the database to.
const MIGRATIONS: &[&str] = &[
    // 1: sources, runs, claims with their evidence, goods, places and verdicts, issues.
    "
    CREATE TABLE ingest_runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        tool_version TEXT NOT NULL,
        files INTEGER, new INTEGER, unchanged INTEGER, failed INTEGER
    );
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        media_type TEXT NOT NULL,
        kind TEXT NOT NULL,
        published TEXT,
        ingested_at TEXT NOT NULL,
        run_id INTEGER REFERENCES ingest_runs(id),
        size INTEGER NOT NULL,
        bytes BLOB NOT NULL
    );
    CREATE TABLE claims (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        crossing TEXT,
        from_place TEXT,
        to_place TEXT,
        at_place TEXT,
        direction TEXT NOT NULL,
        mode TEXT,
        polarity TEXT NOT NULL,
        time_start TEXT,
        time_end TEXT,
        extractor_version TEXT NOT NULL,
        json TEXT NOT NULL
    );
    CREATE INDEX claims_source ON claims(source_id);
    CREATE INDEX claims_crossing ON claims(crossing, direction);
    CREATE INDEX claims_kind ON claims(kind);
    CREATE INDEX claims_time ON claims(time_start, time_end);
    CREATE INDEX claims_time_end ON claims(time_end);
    CREATE TABLE evidence (
        claim_id INTEGER PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
        span_start INTEGER NOT NULL,
        span_end INTEGER NOT NULL,
        quote TEXT NOT NULL,
        attribution TEXT
    );
    CREATE TABLE claim_goods (
        claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        hs TEXT, hs2 TEXT, hs4 TEXT
    );
    CREATE INDEX claim_goods_claim ON claim_goods(claim_id);
    CREATE INDEX claim_goods_hs ON claim_goods(hs);
    CREATE TABLE claim_places (
        claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        place TEXT NOT NULL,
        PRIMARY KEY (claim_id, place)
    ) WITHOUT ROWID;
    CREATE INDEX claim_places_place ON claim_places(place);
    CREATE TABLE verdicts (
        claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        hs TEXT NOT NULL,
        status TEXT NOT NULL,
        measures TEXT NOT NULL,
        date TEXT NOT NULL
    );
    CREATE INDEX verdicts_claim ON verdicts(claim_id);
    CREATE TABLE issues (
        id INTEGER PRIMARY KEY,
        source_id INTEGER REFERENCES sources(id) ON DELETE CASCADE,
        run_id INTEGER REFERENCES ingest_runs(id),
        file TEXT,
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        line INTEGER,
        value TEXT
    );
    ",
    // 2: shipments; verdict reasons stored once; fewer claim indexes (kind has a handful of
    // values; `--until` alone scans, `--since` uses time_end); goods and verdicts keyed by (claim, position)
    // without a rowid; claims keep their evidence quote and verdicts only in those tables, so the
    // claim JSON stays small. Version-1 claims keep their JSON as written (readers accept both).
    "
    CREATE TABLE reasons (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL UNIQUE
    );
    INSERT OR IGNORE INTO reasons (text)
        SELECT json_extract(v.value, '$.reason') FROM claims c, json_each(c.json, '$.verdicts') v;
    CREATE TABLE verdicts2 (
        claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        hs TEXT NOT NULL,
        status TEXT NOT NULL,
        measures TEXT NOT NULL,
        date TEXT NOT NULL,
        reason_id INTEGER NOT NULL REFERENCES reasons(id),
        PRIMARY KEY (claim_id, ord)
    ) WITHOUT ROWID;
    INSERT INTO verdicts2 (claim_id, ord, hs, status, measures, date, reason_id)
        SELECT c.id, v.key, json_extract(v.value, '$.hs'), json_extract(v.value, '$.status'),
               coalesce((SELECT group_concat(m.value, ';') FROM json_each(v.value, '$.measures') m), ''),
               json_extract(v.value, '$.date'),
               (SELECT r.id FROM reasons r WHERE r.text = json_extract(v.value, '$.reason'))
        FROM claims c, json_each(c.json, '$.verdicts') v;
    DROP TABLE verdicts;
    ALTER TABLE verdicts2 RENAME TO verdicts;
    CREATE TABLE claim_goods2 (
        claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        text TEXT NOT NULL,
        hs TEXT, hs2 TEXT, hs4 TEXT,
        PRIMARY KEY (claim_id, ord)
    ) WITHOUT ROWID;
    INSERT INTO claim_goods2 (claim_id, ord, text, hs, hs2, hs4)
        SELECT claim_id, row_number() OVER (PARTITION BY claim_id ORDER BY rowid) - 1,
               text, hs, hs2, hs4
        FROM claim_goods;
    DROP TABLE claim_goods;
    ALTER TABLE claim_goods2 RENAME TO claim_goods;
    CREATE INDEX claim_goods_hs ON claim_goods(hs);
    DROP INDEX claims_kind;
    DROP INDEX claims_time;
    CREATE TABLE shipments (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        line INTEGER NOT NULL,
        record_id TEXT,
        date TEXT NOT NULL,
        hs TEXT,
        hs2 TEXT,
        hs4 TEXT,
        description TEXT,
        direction TEXT NOT NULL,
        quantity REAL,
        unit TEXT,
        value_usd REAL,
        origin TEXT,
        destination TEXT,
        crossing TEXT,
        mode TEXT,
        status TEXT NOT NULL,
        measures TEXT NOT NULL,
        reason_id INTEGER NOT NULL REFERENCES reasons(id)
    );
    CREATE INDEX shipments_source ON shipments(source_id);
    CREATE INDEX shipments_crossing ON shipments(crossing, direction);
    CREATE INDEX shipments_hs ON shipments(hs);
    CREATE INDEX shipments_date ON shipments(date);
    ",
    // 3: the claims of one crossing page in id order (the API's cursor) straight off the index;
    // the index on (crossing, direction) made SQLite sort every claim of a busy crossing first.
    // Crossing and direction together still read it in id order, checking the direction.
    // claim_places carries the claim's kind, so "storage at Sinuiju" is an index lookup rather
    // than a read of every claim that names Sinuiju.
    "
    DROP INDEX claims_crossing;
    CREATE INDEX claims_crossing ON claims(crossing);
    ALTER TABLE claim_places ADD COLUMN kind TEXT;
    UPDATE claim_places SET kind = (SELECT c.kind FROM claims c WHERE c.id = claim_places.claim_id);
    DROP INDEX claim_places_place;
    CREATE INDEX claim_places_place ON claim_places(place, kind);
    ",
    // 4: a source's name is its path inside the folder ingested, so outputs never show the
    // analyst's folders; the paths as given stay in the run's record. Earlier stores did not
    // record the folder ingested: their names keep the file name alone (everything after the
    // last '/' or '\').
    r"
    ALTER TABLE ingest_runs ADD COLUMN paths TEXT;
    UPDATE sources SET name = replace(name, rtrim(name, replace(name, '/', '')), '')
      WHERE name LIKE '%/%';
    UPDATE sources SET name = replace(name, rtrim(name, replace(name, '\', '')), '')
      WHERE name LIKE '%\%';
    ",
    // 5: reviews. A review is anchored on its source, the evidence span and the claim's kind,
    // not on a claim row (reprocess replaces those), so it has no key into `claims`; rows are
    // never changed or deleted (the triggers refuse it), and a source with reviews is never
    // deleted with them.
    "
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        subject INTEGER REFERENCES reviews(id),
        action TEXT NOT NULL CHECK (action IN ('confirm', 'reject', 'correct', 'add')),
        source_id INTEGER NOT NULL REFERENCES sources(id),
        span_start INTEGER NOT NULL,
        span_end INTEGER NOT NULL,
        kind TEXT NOT NULL,
        claim_id INTEGER,
        reason TEXT,
        was TEXT,
        correction TEXT,
        claim TEXT,
        reviewer TEXT NOT NULL,
        reviewed_at TEXT NOT NULL,
        note TEXT,
        extractor_version TEXT NOT NULL
    );
    CREATE INDEX reviews_source ON reviews(source_id, span_start);
    CREATE TRIGGER reviews_never_change BEFORE UPDATE ON reviews
        BEGIN SELECT RAISE(ABORT, 'reviews are never changed: add a new review'); END;
    CREATE TRIGGER reviews_never_go BEFORE DELETE ON reviews
        BEGIN SELECT RAISE(ABORT, 'reviews are never deleted'); END;
    ",
    // 6: track events (port calls, voyages, dark periods, encounters, loitering, identity
    // events) of a track source, each with its JSON (vessels, evidence lines) and, for voyages,
    // the claim it makes; and how each track source was read (format, the time stated for the
    // file, column overrides, lines read = decoded + rejected), so `reprocess` reads it again
    // the same way.
    "
    CREATE TABLE track_events (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        mmsi INTEGER NOT NULL,
        time_start INTEGER NOT NULL,
        time_end INTEGER NOT NULL,
        claim_id INTEGER REFERENCES claims(id) ON DELETE SET NULL,
        json TEXT NOT NULL
    );
    CREATE INDEX track_events_source ON track_events(source_id);
    CREATE INDEX track_events_mmsi ON track_events(mmsi, time_start);
    CREATE TABLE track_sources (
        source_id INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
        format TEXT NOT NULL,
        file_time INTEGER,
        map TEXT NOT NULL,
        lines_read INTEGER NOT NULL,
        decoded INTEGER NOT NULL,
        rejected INTEGER NOT NULL
    );
    ",
    // 7: accounts and the audit log. Users have a role and an argon2id password hash; API
    // tokens and sign-in sessions are stored as the SHA-256 of the secret (a copy of the store
    // signs nobody in), each with an expiry. The audit log is appended only (the triggers refuse
    // changes) and chained: each entry's hash covers the previous entry's, and `audit_head`
    // holds the last, so `db check` finds an entry edited, removed or cut off the end.
    "
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'source-handler', 'admin')),
        password TEXT,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        changed_at TEXT NOT NULL
    );
    CREATE TABLE tokens (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        hash TEXT NOT NULL UNIQUE,
        label TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE INDEX tokens_user ON tokens(user_id);
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        hash TEXT NOT NULL UNIQUE,
        csrf TEXT NOT NULL,
        address TEXT,
        created_at TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        ended_at TEXT
    );
    CREATE INDEX sessions_user ON sessions(user_id);
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT,
        action TEXT NOT NULL,
        target TEXT,
        address TEXT,
        outcome TEXT NOT NULL,
        detail TEXT,
        prev TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE INDEX audit_at ON audit(at);
    CREATE TABLE audit_head (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        id INTEGER NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TRIGGER audit_never_changes BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is never changed'); END;
    CREATE TRIGGER audit_never_goes BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is never deleted from'); END;
    ",
    // 8: vessel positions, column by column: each row a chunk of up to 1024 positions of one
    // vessel from one track source (packed by borderwatch-ais's `columns`), found by vessel and
    // time or by time and area through its time range and bounding box. A track source stored
    // before version 8 has its positions once `reprocess` reads it again.
    "
    CREATE TABLE track_positions (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        mmsi INTEGER NOT NULL,
        time_start INTEGER NOT NULL,
        time_end INTEGER NOT NULL,
        south REAL NOT NULL,
        west REAL NOT NULL,
        north REAL NOT NULL,
        east REAL NOT NULL,
        count INTEGER NOT NULL,
        columns BLOB NOT NULL
    );
    CREATE INDEX track_positions_source ON track_positions(source_id);
    CREATE INDEX track_positions_mmsi ON track_positions(mmsi, time_start);
    CREATE INDEX track_positions_time ON track_positions(time_start);
    ",
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(crate) fn version(conn: &Connection) -> crate::Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

pub(crate) fn migrate(conn: &mut Connection) -> crate::Result<()> {
    let v = version(conn)?;
    if v > SCHEMA_VERSION {
        return Err(StoreError(format!(
            "database schema version {v} is newer than this borderwatch knows ({SCHEMA_VERSION}); \
             use a newer borderwatch"
        )));
    }
    if v == SCHEMA_VERSION {
        return Ok(());
    }
    // Each migration takes the write lock before it reads the version again: two processes
    // opening a fresh store at once run each migration once, the second waiting (busy timeout)
    // and then finding it done, instead of racing to create the same tables.
    loop {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let v = version(&tx)?;
        if v >= SCHEMA_VERSION {
            return Ok(());
        }
        let tables: i64 = tx.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        if v == 0 && tables > 0 {
            // Another program's database: creating the store's tables in it would change a
            // file that is not ours.
            return Err(StoreError(
                "an SQLite database, but not a borderwatch store; nothing was changed".into(),
            ));
        }
        let sql = MIGRATIONS[v as usize];
        tx.execute_batch(sql)
            .map_err(|e| StoreError(format!("migration {}: {e}", v + 1)))?;
        tx.pragma_update(None, "user_version", v + 1)?;
        tx.commit()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A version-1 database with one claim (whose JSON carries its verdict and quote, as version 1
    /// wrote it) migrates to the current schema, and the store reads the claim back unchanged.
    #[test]
    fn version_1_data_migrates() {
        let dir = std::env::temp_dir().join(format!("bw-schema-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("v1.db");
        let json = r#"{"source":"r.txt","kind":"movement","from":"cn.dandong","to":"kp.sinuiju","via":"dandong-sinuiju","direction":"inbound","mode":"rail","load":null,"polarity":"affirmed","hedged":false,"goods":[{"text":"fridges","hs":"8418","alternatives":[],"confidence":0.9,"span":[7,14]},{"text":"rice","hs":"1006","alternatives":[],"confidence":0.9,"span":[19,23]}],"quantities":[],"when":null,"places":["cn.dandong","kp.sinuiju"],"evidence":{"span":[0,24],"text":"Trains fridges and rice","attribution":null},"verdicts":[{"hs":"8418","status":"prohibited","measures":["unsc-2397-op7","x"],"date":"2019-05-01","reason":"prohibited: fridges"},{"hs":"1006","status":"permitted","measures":[],"date":"2019-05-01","reason":"permitted: rice"}]}"#;
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(MIGRATIONS[0]).unwrap();
            c.pragma_update(None, "user_version", 1).unwrap();
            c.execute_batch(&format!(
                "INSERT INTO sources VALUES (1, 'h', 'r.txt', 'text/plain', 'report', NULL, 't', NULL, 24, x'00');
                 INSERT INTO claims (id, source_id, kind, direction, polarity, extractor_version, json)
                   VALUES (1, 1, 'movement', 'inbound', 'affirmed', 'v1', '{json}');
                 INSERT INTO evidence VALUES (1, 0, 24, 'Trains fridges and rice', NULL);
                 INSERT INTO claim_goods VALUES (1, 'fridges', '8418', '84', '8418');
                 INSERT INTO claim_goods VALUES (1, 'rice', '1006', '10', '1006');
                 INSERT INTO verdicts VALUES (1, '8418', 'prohibited', 'unsc-2397-op7;x', '2019-05-01');
                 INSERT INTO verdicts VALUES (1, '1006', 'permitted', '', '2019-05-01');"
            ))
            .unwrap();
        }
        let store = crate::Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        assert!(store.check().unwrap().is_empty());
        let back = store.claims(&crate::ClaimFilter::default()).unwrap();
        let want: borderwatch_model::Claim = serde_json::from_str(json).unwrap();
        assert_eq!(back[0].claim, want);
        let c = Connection::open(&path).unwrap();
        let rows: Vec<(i64, String, String, String)> = c
            .prepare(
                "SELECT v.ord, v.hs, v.measures, r.text FROM verdicts v \
                 JOIN reasons r ON r.id = v.reason_id ORDER BY v.ord",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            rows,
            [
                (
                    0,
                    "8418".into(),
                    "unsc-2397-op7;x".into(),
                    "prohibited: fridges".into()
                ),
                (1, "1006".into(), "".into(), "permitted: rice".into())
            ]
        );
        let goods: Vec<(i64, String)> = c
            .prepare("SELECT ord, text FROM claim_goods WHERE claim_id = 1 ORDER BY ord")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(goods, [(0, "fridges".into()), (1, "rice".into())]);
    }

    /// Names stored as the paths given lose their folders; the claim read back names its
    /// source by the stored name, not by the path its JSON was written with.
    #[test]
    fn version_3_names_lose_their_folders() {
        let dir = std::env::temp_dir().join(format!("bw-schema3-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("v3.db");
        let json = r#"{"source":"/home/ana/cases/../x/r.txt","kind":"movement","from":null,"to":null,"via":null,"direction":"inbound","mode":null,"load":null,"polarity":"affirmed","hedged":false,"goods":[],"quantities":[],"when":null,"places":[],"evidence":{"span":[0,4],"text":"","attribution":null},"verdicts":[]}"#;
        {
            let mut c = Connection::open(&path).unwrap();
            for (i, m) in MIGRATIONS[..3].iter().enumerate() {
                c.execute_batch(m).unwrap();
                c.pragma_update(None, "user_version", i as i64 + 1).unwrap();
            }
            let tx = c.transaction().unwrap();
            tx.execute_batch(&format!(
                "INSERT INTO sources VALUES (1, 'h', '/home/ana/cases/../x/r.txt', 'text/plain', 'report', NULL, 't', NULL, 4, x'00');
                 INSERT INTO sources VALUES (2, 'i', 'C:\\Users\\ana\\s.txt', 'text/plain', 'report', NULL, 't', NULL, 4, x'00');
                 INSERT INTO sources VALUES (3, 'j', 'plain.md', 'text/markdown', 'report', NULL, 't', NULL, 4, x'00');
                 INSERT INTO claims (id, source_id, kind, direction, polarity, extractor_version, json)
                   VALUES (1, 1, 'movement', 'inbound', 'affirmed', 'v1', '{json}');
                 INSERT INTO evidence VALUES (1, 0, 4, 'Coal', NULL);"
            ))
            .unwrap();
            tx.commit().unwrap();
        }
        let store = crate::Store::open(&path).unwrap();
        let names: Vec<String> = store
            .sources()
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(names, ["r.txt", "s.txt", "plain.md"]);
        let back = store.claims(&crate::ClaimFilter::default()).unwrap();
        assert_eq!(back[0].claim.source, "r.txt");
    }
}
