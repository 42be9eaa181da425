-- Same-day answers (issue 7): an access request that needs no human
-- judgement to be put together is assembled in the background as soon as
-- it arrives. The flag marks the cases still to assemble, so that a crash
-- or a restart leaves none behind and none is assembled twice by the job.
ALTER TABLE cases ADD COLUMN auto_assembly INTEGER NOT NULL DEFAULT 0;
CREATE INDEX cases_auto_assembly ON cases (created_at) WHERE auto_assembly = 1;
