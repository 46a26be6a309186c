-- At the scale of a real evidence room (issue 16, target 6: a million recordings, ten million ledger entries), continued
-- from 0018. Never edit this file once shipped; add a later migration instead.

-- A ledger page by one actor leaves out sign-ins and sign-outs (ledger/query.ts queryLedgerWork), newest first. On
-- (actor) alone every entry the walk passed had its row read to see its action: for an auditor whose entries are mostly
-- sign-ins, a page of 100 read thousands of rows (p95 ~70 ms at 1,000,000 entries). With the order and the action in the
-- index the walk stays in the index and only the rows shown are read. (actor) is its prefix, so it goes.
CREATE INDEX ledger_actor_seq ON ledger(actor, seq, action);
DROP INDEX ledger_actor;
