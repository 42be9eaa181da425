-- An idempotency key per submission: a form submitted twice (a double
-- click, a retried POST after a lost answer) or an API call repeated with
-- the same Idempotency-Key registers one case, not two.
ALTER TABLE cases ADD COLUMN request_key TEXT;
CREATE UNIQUE INDEX cases_request_key ON cases (request_key) WHERE request_key IS NOT NULL;
