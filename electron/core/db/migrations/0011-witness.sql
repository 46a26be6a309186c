-- Issue 13 (helper G): cosignatures received from the central witness (electron/core/witness).
-- Each row is self-verifying (the witness's Ed25519 signature over the station's own signed
-- checkpoint), so this table is a cache of receipts, not an authority: the witness's key and
-- URL come from the ledgered enrolment entry, and a deleted row only makes the next submission
-- resync from the size the witness reports.
CREATE TABLE witness_cosignatures (
  witness_vkey TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size > 0),
  root TEXT NOT NULL,
  note TEXT NOT NULL,
  cosignature TEXT NOT NULL,
  cosigned_at TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (witness_vkey, size)
);
