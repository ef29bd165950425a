-- certdrill schema 2 (sync: device, event, journal_file, deck_blob; each answer's event), dumped from a
-- new database; tests/test_migrations.py builds databases of this version and upgrades them. Never edit.

CREATE TABLE deck (
	id VARCHAR NOT NULL, 
	title VARCHAR NOT NULL, 
	version VARCHAR NOT NULL, 
	license VARCHAR, 
	description VARCHAR NOT NULL, 
	source VARCHAR NOT NULL, 
	exam JSON, 
	exam_date VARCHAR, 
	new_per_day INTEGER, 
	imported_at VARCHAR(32), 
	PRIMARY KEY (id)
);

CREATE TABLE setting (
	"key" VARCHAR NOT NULL, 
	value JSON, 
	PRIMARY KEY ("key")
);

CREATE TABLE device (
	id VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	local BOOLEAN NOT NULL, 
	backfilled BOOLEAN NOT NULL, 
	exported_seq INTEGER NOT NULL, 
	exported_offset INTEGER NOT NULL, 
	scheduler VARCHAR NOT NULL, 
	clock INTEGER NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE event (
	device VARCHAR NOT NULL, 
	seq INTEGER NOT NULL, 
	hlc INTEGER NOT NULL, 
	type VARCHAR NOT NULL, 
	deck VARCHAR, 
	item VARCHAR, 
	data VARCHAR NOT NULL, 
	applied BOOLEAN NOT NULL, 
	imported BOOLEAN, 
	PRIMARY KEY (device, seq)
)
 WITHOUT ROWID

;

CREATE INDEX ix_event_subject ON event (deck, item, hlc) WHERE type != 'answer';

CREATE INDEX ix_event_card_changes ON event (deck, item) WHERE type IN ('rerate', 'undo', 'reset');

CREATE INDEX ix_event_imported ON event (deck, item) WHERE imported;

CREATE INDEX ix_event_pending ON event (applied) WHERE applied = 0;

CREATE TABLE journal_file (
	name VARCHAR NOT NULL, 
	device VARCHAR NOT NULL, 
	"offset" INTEGER NOT NULL, 
	lines INTEGER NOT NULL, 
	head_hash VARCHAR NOT NULL, 
	tail_hash VARCHAR NOT NULL, 
	refused INTEGER NOT NULL, 
	problems JSON NOT NULL, 
	read_at VARCHAR(32), 
	PRIMARY KEY (name)
);

CREATE TABLE deck_blob (
	sha256 VARCHAR NOT NULL, 
	yaml VARCHAR NOT NULL, 
	PRIMARY KEY (sha256)
);

CREATE TABLE domain (
	deck_id VARCHAR NOT NULL, 
	id VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	weight FLOAT NOT NULL, 
	position INTEGER NOT NULL, 
	tasks JSON NOT NULL, 
	PRIMARY KEY (deck_id, id), 
	FOREIGN KEY(deck_id) REFERENCES deck (id)
);

CREATE TABLE question (
	pk INTEGER NOT NULL, 
	deck_id VARCHAR NOT NULL, 
	qid VARCHAR NOT NULL, 
	domain_id VARCHAR NOT NULL, 
	task_id VARCHAR, 
	kind VARCHAR NOT NULL, 
	prompt VARCHAR NOT NULL, 
	choices JSON NOT NULL, 
	pick INTEGER, 
	answer VARCHAR NOT NULL, 
	explanation VARCHAR NOT NULL, 
	"references" JSON NOT NULL, 
	tags JSON NOT NULL, 
	content_hash VARCHAR NOT NULL, 
	answer_key VARCHAR NOT NULL, 
	position INTEGER NOT NULL, 
	retired BOOLEAN NOT NULL, 
	PRIMARY KEY (pk), 
	UNIQUE (deck_id, qid), 
	FOREIGN KEY(deck_id) REFERENCES deck (id)
);

CREATE INDEX ix_question_deck_id ON question (deck_id);

CREATE TABLE exam_attempt (
	id INTEGER NOT NULL, 
	deck_id VARCHAR NOT NULL, 
	started_at VARCHAR(32) NOT NULL, 
	finished_at VARCHAR(32), 
	minutes INTEGER NOT NULL, 
	size INTEGER NOT NULL, 
	score FLOAT, 
	passed BOOLEAN, 
	seed INTEGER NOT NULL, 
	device VARCHAR, 
	seq INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(deck_id) REFERENCES deck (id)
);

CREATE INDEX ix_exam_attempt_deck_id ON exam_attempt (deck_id);

CREATE TABLE card (
	id INTEGER NOT NULL, 
	deck_id VARCHAR NOT NULL, 
	state INTEGER NOT NULL, 
	step INTEGER, 
	stability FLOAT, 
	difficulty FLOAT, 
	due VARCHAR(32), 
	last_review VARCHAR(32), 
	reps INTEGER NOT NULL, 
	lapses INTEGER NOT NULL, 
	suspended BOOLEAN NOT NULL, 
	buried_until VARCHAR(32), 
	flagged BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(id) REFERENCES question (pk), 
	FOREIGN KEY(deck_id) REFERENCES deck (id)
);

CREATE INDEX ix_card_queue ON card (deck_id, state, due);

CREATE TABLE review (
	id INTEGER NOT NULL, 
	card_id INTEGER NOT NULL, 
	deck_id VARCHAR NOT NULL, 
	reviewed_at VARCHAR(32) NOT NULL, 
	rating INTEGER NOT NULL, 
	correct BOOLEAN, 
	chosen JSON NOT NULL, 
	duration_ms INTEGER NOT NULL, 
	mode VARCHAR NOT NULL, 
	was_new BOOLEAN NOT NULL, 
	state_before JSON, 
	device VARCHAR, 
	seq INTEGER, 
	hlc INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(card_id) REFERENCES card (id)
);

CREATE INDEX ix_review_reviewed_at ON review (reviewed_at);

CREATE INDEX ix_review_card_time ON review (card_id, reviewed_at);

CREATE INDEX ix_review_deck_time ON review (deck_id, reviewed_at);

CREATE TABLE exam_answer (
	attempt_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	card_id INTEGER NOT NULL, 
	chosen JSON NOT NULL, 
	correct BOOLEAN, 
	flagged BOOLEAN NOT NULL, 
	duration_ms INTEGER NOT NULL, 
	PRIMARY KEY (attempt_id, position), 
	FOREIGN KEY(attempt_id) REFERENCES exam_attempt (id), 
	FOREIGN KEY(card_id) REFERENCES card (id)
);

PRAGMA user_version = 2;
