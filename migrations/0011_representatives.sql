-- Individuals (issue 8): "my requests" lists the requests a person made for
-- someone else too, and a god man, förvaltare or attorney whose mandate an
-- officer verified may act for the principal again with e-ID. Both look a
-- representative up by the keyed HMAC of their identity number, as cases
-- are looked up by the subject's; the number itself stays in the
-- representative column. dsrdesk fills the column for cases registered
-- before this migration when it opens the store.
ALTER TABLE cases ADD COLUMN representative_hmac TEXT;
CREATE INDEX cases_representative ON cases (representative_hmac) WHERE representative_hmac IS NOT NULL;
CREATE INDEX cases_representative_todo ON cases (id) WHERE representative IS NOT NULL AND representative_hmac IS NULL;
