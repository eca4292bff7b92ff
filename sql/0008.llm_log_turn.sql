-- Which ask of a structured-output call an LLM audit row belongs to.
--
-- Structured output re-asks once after a validation failure, and each ask is a
-- separate chain call whose attempts are numbered from 1 again; without this
-- column the re-ask's rows could be told from the first ask's only by their
-- order and request hash. `turn` is 1 for the first ask and 2 for the re-ask
-- (cvpath.llm.structured allows exactly one re-ask). A call without validation
-- (`cvpath llm ping`) is turn 1, and so is every row written before this column:
-- they were all first asks or indistinguishable from them.
--
-- Immutability: ADD COLUMN keeps the row triggers of 0004, and
-- guard_immutable_row (0001) compares whole rows via to_jsonb, so `turn` is
-- protected like every other column, and moving a guest's rows to a user (0006)
-- still changes only user_id/guest_id. The constant default needs no table
-- rewrite on PostgreSQL 11+, and the CHECK is validated against existing rows,
-- which all take the default.

ALTER TABLE analytics_monitoring.llm_generation_logs
    ADD COLUMN turn smallint NOT NULL DEFAULT 1
        CONSTRAINT llm_generation_logs_turn_range CHECK (turn BETWEEN 1 AND 2);

COMMENT ON COLUMN analytics_monitoring.llm_generation_logs.turn IS
    'Ask of a structured-output call: 1 the first ask, 2 the re-ask after a validation failure.';
