// The central service's PostgreSQL schema. Tables that are history (enrolments, cosigned
// checkpoints, refusals, mirrored entries, events) are append-only twice over: the service's
// role is granted only SELECT and INSERT on them, and triggers refuse UPDATE, DELETE and
// TRUNCATE even to a role that has the grant. A superuser can drop both, which is why nothing
// here is trusted on its own: every mirrored entry verifies against a cosigned root, and every
// cosignature against the witness key (README.md).

export const APP_ROLE = 'central_app';

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS central_logs (
  origin text PRIMARY KEY,
  key_name text NOT NULL,
  public_key bytea NOT NULL UNIQUE,
  station_vkey text NOT NULL,
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  enrolled_by text NOT NULL
);
CREATE TABLE IF NOT EXISTS central_log_state (
  origin text PRIMARY KEY REFERENCES central_logs (origin),
  size bigint NOT NULL DEFAULT 0,
  root bytea,
  note text,
  cosigned_at timestamptz,
  mirror_size bigint NOT NULL DEFAULT 0,
  mirror_frontier jsonb NOT NULL DEFAULT '{"size":0,"nodes":[]}',
  mirror_last_leaf text NOT NULL DEFAULT '${'0'.repeat(64)}'
);
CREATE TABLE IF NOT EXISTS central_cosigned (
  origin text NOT NULL REFERENCES central_logs (origin),
  size bigint NOT NULL,
  root bytea NOT NULL,
  note text NOT NULL,
  cosignature text NOT NULL,
  cosigned_at timestamptz NOT NULL,
  PRIMARY KEY (origin, size, cosigned_at)
);
CREATE TABLE IF NOT EXISTS central_refusals (
  id bigserial PRIMARY KEY,
  origin text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  status integer NOT NULL,
  reason text NOT NULL,
  old_size bigint,
  size bigint,
  note text
);
CREATE TABLE IF NOT EXISTS central_entries (
  origin text NOT NULL REFERENCES central_logs (origin),
  seq bigint NOT NULL,
  leaf bytea NOT NULL,
  time timestamptz NOT NULL,
  action text NOT NULL,
  content text NOT NULL,
  PRIMARY KEY (origin, seq)
);
CREATE TABLE IF NOT EXISTS central_events (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  action text NOT NULL,
  origin text,
  details jsonb NOT NULL
);

CREATE TABLE IF NOT EXISTS central_users (
  username text PRIMARY KEY,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('auditor', 'admin')),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL
);
CREATE TABLE IF NOT EXISTS central_logins (
  id bigserial PRIMARY KEY,
  username text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  ok boolean NOT NULL
);

CREATE OR REPLACE FUNCTION central_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'central: % on % is not allowed (append-only history)', TG_OP, TG_TABLE_NAME;
END $$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['central_logs', 'central_cosigned', 'central_refusals', 'central_entries', 'central_events', 'central_users', 'central_logins'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = t || '_append_only') THEN
      EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION central_refuse_change()', t || '_append_only', t);
      EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION central_refuse_change()', t || '_no_truncate', t);
    END IF;
  END LOOP;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
    CREATE ROLE ${APP_ROLE} NOLOGIN;
  END IF;
END $$;

REVOKE ALL ON central_logs, central_log_state, central_cosigned, central_refusals, central_entries, central_events, central_users, central_logins FROM ${APP_ROLE};
GRANT SELECT, INSERT ON central_logs, central_cosigned, central_refusals, central_entries, central_events, central_users, central_logins TO ${APP_ROLE};
GRANT SELECT, INSERT, UPDATE ON central_log_state TO ${APP_ROLE};
GRANT USAGE ON SEQUENCE central_refusals_id_seq, central_events_id_seq, central_logins_id_seq TO ${APP_ROLE};
`;
