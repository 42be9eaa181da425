-- A restriction can be lifted once the person has been told (GDPR
-- Art. 18(3)): when each restricted item was lifted.
ALTER TABLE items ADD COLUMN lifted_at TEXT;
