-- At the scale of a real evidence room (issue 16, target 6: a million recordings, ten million ledger entries), continued
-- from 0018. Never edit this file once shipped; add a later migration instead.

-- A ledger page by one actor leaves out sign-ins and sign-outs (ledger/query.ts queryLedgerWork), newest first. On
-- (actor) alone every entry the walk passed had its row read to see its action: for an auditor whose entries are mostly
-- sign-ins, a page of 100 read thousands of rows (p95 ~70 ms at 1,000,000 entries). With the order and the action in the
-- index the walk stays in the index and only the rows shown are read. (actor) is its prefix, so it goes.
CREATE INDEX ledger_actor_seq ON ledger(actor, seq, action);
DROP INDEX ledger_actor;

-- "Needs an explanation" (recordings/catalogue.ts recordingWhere): 0018's partial index on (recorded_at, number) lost to
-- the union of the late and interruption indexes, which fetched every flagged row and sorted them — for the page and
-- again for its total (~40 ms each at 200,000 recordings, five times that at a million). This one holds what the filter
-- reads (the flags and the id its explanations are found by), and the filter now names the flags in its words
-- (`late OR interruption`), which no other index answers: the total is counted in the index, the page read off it in
-- order (~1.5 ms and ~0 ms at 200,000).
CREATE INDEX recordings_attention_cover ON recordings(recorded_at, number, late, interruption, id) WHERE late OR interruption;
DROP INDEX recordings_attention_order;
