-- Staff and e-ID sessions end after a while without a request (the idle
-- timeout) as well as at their absolute expiry. last_seen is when the
-- session was last used, written at most about once a minute; '' means
-- not since it was created, so sessions made before this migration, and
-- those inserted without it, count from created_at.
ALTER TABLE sessions ADD COLUMN last_seen TEXT NOT NULL DEFAULT '';
