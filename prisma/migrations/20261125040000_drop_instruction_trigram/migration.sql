-- Search reads search_text (instruction and code) since the review migration; the trigram index on
-- the instruction alone only slowed imports down.
-- DropIndex
DROP INDEX "task_revisions_instruction_idx";
