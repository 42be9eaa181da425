-- Print batches of 100,000 letters (issue 9): a batch's ZIP is built in
-- the background into the data folder, and its state kept here, so that a
-- build cut off by a crash is done again at start and only a finished file
-- is ever served. Batches made before keep '' and are built on download.
ALTER TABLE print_batches ADD COLUMN file TEXT NOT NULL DEFAULT '' CHECK (file IN ('', 'pending', 'ready', 'failed'));
CREATE INDEX print_batches_file ON print_batches (file) WHERE file = 'pending';
-- A batch's letters in PostNord's sort order (Swedish letters first, by
-- postcode without its space, then record id), read from the index as the
-- ZIP is written instead of sorted in memory; printzip checks the order.
DROP INDEX letters_batch;
CREATE INDEX letters_batch_sorted ON letters (batch_id, country <> 'SE', country,
    CASE WHEN country = 'SE' THEN replace(postcode, ' ', '') ELSE postcode END, id);
-- The print operator's page counts each batch's letters by status from
-- this index alone, without reading the letters (and their PDFs).
CREATE INDEX letters_batch_status ON letters (batch_id, status);
