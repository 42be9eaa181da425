-- A case counts as answered only when its answer reached the person: the
-- mailbox operator's receipt, or the print shop's report that the letter
-- was handed to the post (issue 9). A case whose answer has left but not
-- arrived (a paper letter waiting for its batch, a protected letter until
-- its batch is handed over) stays open, and so does a case whose letter
-- came back from the post, in the queue of returned mail (stage
-- 'returned'). The triggers of 0009 keep the counts as the rows change.
UPDATE cases SET open = (status <> 'closed' AND (answered_on IS NULL OR flags LIKE '%"returned_mail"%'));
UPDATE cases SET stage = 'returned' WHERE status <> 'closed' AND flags LIKE '%"returned_mail"%';
-- The outbox reads its due letters in the order of this index, never
-- sorting every waiting letter (ORDER BY next_try_at, id).
DROP INDEX letters_outbox;
CREATE INDEX letters_outbox ON letters (next_try_at, id) WHERE status IN ('pending', 'sending') AND next_try_at IS NOT NULL;
