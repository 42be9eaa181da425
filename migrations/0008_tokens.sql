-- Administration (issue 7): an API token gets an opaque id, so that an
-- administrator can list and revoke it without its hash or the token ever
-- reaching a page or a URL. Tokens made before have one given here. A
-- disabled account's sessions are ended by user, hence the index.
ALTER TABLE api_tokens ADD COLUMN id TEXT;
UPDATE api_tokens SET id = lower(hex(randomblob(16))) WHERE id IS NULL;
CREATE UNIQUE INDEX api_tokens_id ON api_tokens (id);
CREATE INDEX api_tokens_user ON api_tokens (user_id, created_at);
CREATE INDEX sessions_user ON sessions (user_id) WHERE user_id IS NOT NULL;
