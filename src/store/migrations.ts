/**
 * Versioned schema migrations. Each entry moves the database from version i to i+1 and runs in one transaction.
 * Never edit a migration that has shipped: add a new one. `PRAGMA user_version` holds the current version.
 */
export const MIGRATIONS: readonly string[] = [
  // v1: custodians, sources (chain of custody), contacts, conversations, messages, attachments.
  `
  CREATE TABLE custodians (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    function TEXT NOT NULL,
    department TEXT NOT NULL,
    term_from TEXT NOT NULL,
    term_to TEXT,
    tz TEXT NOT NULL DEFAULT 'Europe/Amsterdam',
    second_reviewer INTEGER NOT NULL DEFAULT 0,
    default_category TEXT NOT NULL DEFAULT 'zakelijk',
    created_at TEXT NOT NULL
  );

  -- One ingest run = one veiligstelling (read-out) with operator and device.
  CREATE TABLE veiligstellingen (
    id INTEGER PRIMARY KEY,
    custodian_id TEXT NOT NULL REFERENCES custodians(id),
    operator TEXT NOT NULL,
    device TEXT,
    started_at TEXT NOT NULL
  );

  CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    custodian_id TEXT NOT NULL REFERENCES custodians(id),
    veiligstelling_id INTEGER NOT NULL REFERENCES veiligstellingen(id),
    file_name TEXT NOT NULL,
    original_path TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    operator TEXT NOT NULL,
    device TEXT,
    ingested_at TEXT NOT NULL,
    format TEXT NOT NULL,
    platform TEXT NOT NULL,
    date_order TEXT,
    date_order_evidence TEXT,
    parser_version TEXT NOT NULL,
    low_fidelity INTEGER NOT NULL DEFAULT 0,
    exported_at TEXT,
    first_message_at TEXT,
    last_message_at TEXT,
    message_count INTEGER NOT NULL DEFAULT 0,
    warnings_json TEXT NOT NULL DEFAULT '[]',
    UNIQUE (custodian_id, sha256)
  );

  -- Files inside a source (zip entries) kept in the blob store: the chat text and the media.
  CREATE TABLE source_files (
    source_id INTEGER NOT NULL REFERENCES sources(id),
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (source_id, path)
  );

  CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    custodian_id TEXT NOT NULL REFERENCES custodians(id),
    display_name TEXT,
    phone_e164 TEXT,
    is_custodian INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX contacts_phone ON contacts(custodian_id, phone_e164);

  -- A contact has one identity per platform handle (display name, number, Signal ACI, SMS address).
  CREATE TABLE contact_identities (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    custodian_id TEXT NOT NULL REFERENCES custodians(id),
    platform TEXT NOT NULL,
    handle TEXT NOT NULL,
    display_name TEXT,
    UNIQUE (custodian_id, platform, handle)
  );

  CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    custodian_id TEXT NOT NULL REFERENCES custodians(id),
    platform TEXT NOT NULL,
    chat_key TEXT NOT NULL,
    title TEXT NOT NULL,
    title_history_json TEXT NOT NULL DEFAULT '[]',
    is_group INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (custodian_id, platform, chat_key)
  );

  CREATE TABLE conversation_participants (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    PRIMARY KEY (conversation_id, contact_id)
  );

  CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    seq INTEGER NOT NULL,
    dedup_key TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    sent_at_ms INTEGER NOT NULL,
    local_time TEXT NOT NULL,
    local_iso TEXT NOT NULL,
    zone TEXT NOT NULL,
    time_ambiguous INTEGER NOT NULL DEFAULT 0,
    time_invalid INTEGER NOT NULL DEFAULT 0,
    sender TEXT,
    sender_raw TEXT,
    sender_contact_id INTEGER REFERENCES contacts(id),
    from_self INTEGER,
    kind TEXT NOT NULL,
    event TEXT,
    text TEXT NOT NULL,
    edited INTEGER NOT NULL DEFAULT 0,
    view_once INTEGER NOT NULL DEFAULT 0,
    deleted_by TEXT,
    stable_key TEXT,
    reply_to_key TEXT,
    reply_to_message_id INTEGER REFERENCES messages(id),
    raw_text TEXT NOT NULL,
    source_line INTEGER NOT NULL,
    first_source_id INTEGER NOT NULL REFERENCES sources(id),
    extra_json TEXT,
    UNIQUE (conversation_id, dedup_key)
  );
  CREATE INDEX messages_conv_seq ON messages(conversation_id, seq);
  CREATE INDEX messages_conv_time ON messages(conversation_id, sent_at_ms);
  CREATE INDEX messages_stable ON messages(conversation_id, stable_key) WHERE stable_key IS NOT NULL;

  CREATE TABLE message_sources (
    message_id INTEGER NOT NULL REFERENCES messages(id),
    source_id INTEGER NOT NULL REFERENCES sources(id),
    PRIMARY KEY (message_id, source_id)
  ) WITHOUT ROWID;
  CREATE INDEX message_sources_source ON message_sources(source_id);

  -- A later export of the same chat that covers the message's time but lacks it.
  CREATE TABLE message_missing (
    message_id INTEGER NOT NULL REFERENCES messages(id),
    source_id INTEGER NOT NULL REFERENCES sources(id),
    PRIMARY KEY (message_id, source_id)
  ) WITHOUT ROWID;

  CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    ordinal INTEGER NOT NULL,
    name TEXT NOT NULL,
    mime TEXT,
    sha256 TEXT,
    size INTEGER,
    missing INTEGER NOT NULL DEFAULT 0,
    UNIQUE (message_id, ordinal)
  );

  -- Source-level findings (e.g. Signal export may lack disappearing messages).
  CREATE TABLE source_findings (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    conversation_id INTEGER REFERENCES conversations(id)
  );
  `,
  // v2: markings (rule suggestions and manual markings), decisions, the hash-chained audit log.
  `
  CREATE TABLE markings (
    id INTEGER PRIMARY KEY,
    custodian_id TEXT NOT NULL REFERENCES custodians(id),
    level TEXT NOT NULL CHECK (level IN ('contact','conversation','message','passage')),
    target_id INTEGER NOT NULL,
    span_start INTEGER,
    span_end INTEGER,
    origin TEXT NOT NULL CHECK (origin IN ('rule','manual')),
    suggested_category TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('zakelijk','privé','partijpolitiek')),
    status TEXT NOT NULL CHECK (status IN ('suggested','confirmed','rejected','changed')),
    rule_id TEXT,
    rule_file_hash TEXT,
    evidence_json TEXT NOT NULL DEFAULT '{}',
    -- 1 while the current rules still produce this suggestion; 0 after a rule change removed it.
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX markings_rule_target ON markings(custodian_id, level, target_id, IFNULL(span_start,-1), IFNULL(span_end,-1), IFNULL(rule_id,''), origin)
    WHERE origin = 'rule';
  CREATE INDEX markings_target ON markings(level, target_id);

  CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    marking_id INTEGER NOT NULL REFERENCES markings(id),
    action TEXT NOT NULL CHECK (action IN ('confirm','reject','change','mark','second-confirm','undo')),
    category TEXT,
    reviewer TEXT NOT NULL,
    reason TEXT,
    decided_at TEXT NOT NULL,
    audit_seq INTEGER
  );
  CREATE INDEX decisions_marking ON decisions(marking_id);

  CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    payload_json TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );

  -- Rule-engine runs, so reports can say which rule files were used.
  CREATE TABLE tag_runs (
    id INTEGER PRIMARY KEY,
    custodian_id TEXT NOT NULL REFERENCES custodians(id),
    at TEXT NOT NULL,
    rule_files_json TEXT NOT NULL,
    counts_json TEXT NOT NULL
  );
  `,
  // v3: exports (ledger for vervolgexport) and hand-recorded channels for coverage reports.
  `
  CREATE TABLE exports (
    id INTEGER PRIMARY KEY,
    custodian_id TEXT NOT NULL REFERENCES custodians(id),
    set_kind TEXT NOT NULL CHECK (set_kind IN ('ruw','geschoond')),
    period_from TEXT,
    period_to TEXT,
    out_path TEXT NOT NULL,
    package_sha256 TEXT NOT NULL,
    allow_unreviewed INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
  );

  CREATE TABLE export_ledger (
    custodian_id TEXT NOT NULL REFERENCES custodians(id),
    set_kind TEXT NOT NULL,
    object_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    export_id INTEGER NOT NULL REFERENCES exports(id),
    PRIMARY KEY (custodian_id, set_kind, object_id, content_hash)
  );

  CREATE TABLE channel_records (
    id INTEGER PRIMARY KEY,
    custodian_id TEXT NOT NULL REFERENCES custodians(id),
    channel TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    note TEXT,
    recorded_at TEXT NOT NULL
  );
  `,
  // v4: a recorded channel period can also say that it could NOT be secured (failed read-out) or that there was
  // nothing to secure (no account, leave); the coverage report shows the note and counts gaps accordingly.
  `
  ALTER TABLE channel_records ADD COLUMN status TEXT NOT NULL DEFAULT 'secured'
    CHECK (status IN ('secured','not-secured','not-applicable'));
  CREATE INDEX channel_records_custodian ON channel_records(custodian_id, channel);
  `,
  // v5 (review): a decision says which earlier decision it undoes and whether it waits for a second reviewer (four-eyes);
  // review_pending holds the proposal a marking awaits; every custodian has its own audit hash chain; decisions and the
  // audit log are append-only (the triggers stop accidental edits; the hash chain exposes deliberate ones).
  `
  ALTER TABLE decisions ADD COLUMN undoes INTEGER REFERENCES decisions(id);
  ALTER TABLE decisions ADD COLUMN needs_second INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX decisions_audit ON decisions(audit_seq);
  ALTER TABLE audit_log ADD COLUMN custodian_id TEXT;
  CREATE INDEX audit_log_custodian ON audit_log(custodian_id, seq);
  CREATE TABLE review_pending (
    marking_id INTEGER PRIMARY KEY REFERENCES markings(id),
    decision_id INTEGER NOT NULL REFERENCES decisions(id)
  );
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
  CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
  `,
  // v6 (ingest speed): a message's first source is messages.first_source_id; message_sightings holds only the later
  // sources that contained it (a second row for every new message cost about a sixth of a bulk ingest).
  // message_sources stays, as a view of both; source_conversations records which conversations a source touched
  // (the view cannot be searched by source without scanning every message).
  `
  CREATE TABLE message_sightings (
    message_id INTEGER NOT NULL REFERENCES messages(id),
    source_id INTEGER NOT NULL REFERENCES sources(id),
    PRIMARY KEY (message_id, source_id)
  ) WITHOUT ROWID;
  INSERT INTO message_sightings (message_id, source_id)
    SELECT ms.message_id, ms.source_id FROM message_sources ms JOIN messages m ON m.id = ms.message_id WHERE ms.source_id <> m.first_source_id;
  CREATE INDEX message_sightings_source ON message_sightings(source_id);
  CREATE TABLE source_conversations (
    source_id INTEGER NOT NULL REFERENCES sources(id),
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    PRIMARY KEY (source_id, conversation_id)
  ) WITHOUT ROWID;
  CREATE INDEX source_conversations_conversation ON source_conversations(conversation_id, source_id);
  INSERT INTO source_conversations (source_id, conversation_id)
    SELECT DISTINCT ms.source_id, m.conversation_id FROM message_sources ms JOIN messages m ON m.id = ms.message_id;
  INSERT OR IGNORE INTO source_conversations (source_id, conversation_id) SELECT DISTINCT first_source_id, conversation_id FROM messages;
  DROP TABLE message_sources;
  CREATE VIEW message_sources (message_id, source_id) AS
    SELECT id, first_source_id FROM messages
    UNION ALL
    SELECT message_id, source_id FROM message_sightings;
  CREATE TRIGGER message_sources_insert INSTEAD OF INSERT ON message_sources BEGIN
    INSERT OR IGNORE INTO message_sightings (message_id, source_id)
      SELECT NEW.message_id, NEW.source_id WHERE NOT EXISTS (SELECT 1 FROM messages WHERE id = NEW.message_id AND first_source_id = NEW.source_id);
  END;
  `,
  // v7 (ingest speed): a conversation keeps its first and last message time, maintained by the ingest, so the
  // (conversation_id, sent_at_ms) index, a seventh of the cost of inserting a message, is no longer needed.
  `
  ALTER TABLE conversations ADD COLUMN first_at TEXT;
  ALTER TABLE conversations ADD COLUMN first_at_ms INTEGER;
  ALTER TABLE conversations ADD COLUMN last_at TEXT;
  ALTER TABLE conversations ADD COLUMN last_at_ms INTEGER;
  UPDATE conversations SET
    first_at = (SELECT sent_at FROM messages m WHERE m.conversation_id = conversations.id ORDER BY sent_at_ms ASC, seq ASC LIMIT 1),
    first_at_ms = (SELECT MIN(sent_at_ms) FROM messages m WHERE m.conversation_id = conversations.id),
    last_at = (SELECT sent_at FROM messages m WHERE m.conversation_id = conversations.id ORDER BY sent_at_ms DESC, seq DESC LIMIT 1),
    last_at_ms = (SELECT MAX(sent_at_ms) FROM messages m WHERE m.conversation_id = conversations.id);
  DROP INDEX messages_conv_time;
  `,
  // v8 (missing messages): where a later source holds a message, its line there, as messages.source_line is for the
  // first source: a source's export order is then known for every message it holds, and a message before a later
  // export's first line (in an export that holds both) is not reported missing by it. Earlier sightings have none.
  `
  ALTER TABLE message_sightings ADD COLUMN line INTEGER;
  `,
  // v9: deleting a message (a new row an edit match takes back, see MessageWriter.absorbEdits) made SQLite scan every
  // message for the reply foreign key; this index covers the few rows that hold a reply (nothing for the others).
  `
  CREATE INDEX messages_reply_to ON messages(reply_to_message_id) WHERE reply_to_message_id IS NOT NULL;
  `,
  // v10: a rule suggestion is one row per suggested category of its key (level, target, span, rule), so a decided
  // marking keeps its category when the rule's category changes, and the new category comes as a new suggestion.
  `
  DROP INDEX markings_rule_target;
  CREATE UNIQUE INDEX markings_rule_target ON markings(custodian_id, level, target_id, IFNULL(span_start,-1), IFNULL(span_end,-1), IFNULL(rule_id,''), origin, suggested_category)
    WHERE origin = 'rule';
  `,
  // v11: a message whose text a later source replaced before the ingest recorded textEditedAfterDecision (see
  // src/store/stale-decisions.ts) gets it now: the highest decision id before that source's ingest, so that a zakelijk
  // decision made on the earlier text does not publish the newer one. (No decision is made while an ingest holds the
  // write lock, so decided_at < ingested_at orders them as the ingest would have.)
  `
  UPDATE messages SET extra_json = json_set(extra_json, '$.textEditedAfterDecision', (
      SELECT MAX(d.id) FROM decisions d JOIN sources s ON s.id = json_extract(messages.extra_json, '$.textFromSource') WHERE d.decided_at < s.ingested_at))
    WHERE json_extract(extra_json, '$.textFromSource') IS NOT NULL AND json_extract(extra_json, '$.textEditedAfterDecision') IS NULL
      AND EXISTS (SELECT 1 FROM decisions d JOIN sources s ON s.id = json_extract(messages.extra_json, '$.textFromSource') WHERE d.decided_at < s.ingested_at);
  `,
  // v12: a source finding about one chat of a source (a Signal disappearing-message warning) records the chat's key, so
  // the report names that chat's conversation, or says it has none, instead of guessing it from the source's chats.
  // Earlier rows have none (their warning text names the chat only by title).
  `
  ALTER TABLE source_findings ADD COLUMN chat_key TEXT;
  `,
  // v13: a finding that a stored message was deleted since an earlier export records that message, so that a later
  // export showing the same deletion is known as said (see DeletedSince) without reading the finding's wording. Earlier
  // rows get it from their text, 'message <id> (conversation …', where that id is a message of the finding's
  // conversation (the rows the text match found before). Not a foreign key: deleting a message (an edit match taking
  // back a new row) would then search every finding.
  `
  ALTER TABLE source_findings ADD COLUMN message_id INTEGER;
  UPDATE source_findings SET message_id = CAST(substr(message, 9, instr(substr(message, 9), ' ') - 1) AS INTEGER)
    WHERE code = 'message-deleted-since' AND message GLOB 'message [0-9]* *'
      AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = source_findings.conversation_id
        AND m.id = CAST(substr(source_findings.message, 9, instr(substr(source_findings.message, 9), ' ') - 1) AS INTEGER));
  CREATE INDEX source_findings_message ON source_findings(message_id, code) WHERE message_id IS NOT NULL;
  `,
  // v14: the attachment findings record their message too (so the findings report names it, its time and sender, as it
  // does for every other finding about a message). Earlier rows get it from their text as in v13: 'message <id>
  // (conversation …', where that id is a message of the finding's conversation.
  `
  UPDATE source_findings SET message_id = CAST(substr(message, 9, instr(substr(message, 9), ' ') - 1) AS INTEGER)
    WHERE code IN ('attachment-mismatch', 'attachment-differs', 'attachment-filled') AND message_id IS NULL AND message GLOB 'message [0-9]* *'
      AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = source_findings.conversation_id
        AND m.id = CAST(substr(source_findings.message, 9, instr(substr(source_findings.message, 9), ' ') - 1) AS INTEGER));
  `,
  // v15: a manual marking not in force whose pending proposal is a rejection (a second reviewer rejected a marking that
  // awaited its second reviewer) is undecided, as src/review/state.ts projects it now; it was stored as rejected, which
  // let the export deliver the message on one reviewer's word.
  `
  UPDATE markings SET status = 'suggested',
      category = COALESCE((SELECT d.category FROM review_pending p JOIN decisions d ON d.id = p.decision_id WHERE p.marking_id = markings.id), category)
    WHERE origin = 'manual' AND status = 'rejected'
      AND id IN (SELECT p.marking_id FROM review_pending p JOIN decisions d ON d.id = p.decision_id WHERE d.action = 'reject');
  `,
];
