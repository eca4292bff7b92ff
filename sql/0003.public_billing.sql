-- Money: one account per registered user and its append-only ledger.
--
-- Guests never hold money (they are FREE, see user_model_profiles), so these
-- tables have a user_id only and migrate_guest_to_user never touches them.
--
-- A run reserves its estimated cost before the first LLM call: `balance` goes
-- down and `reserved` goes up by the estimate, in one conditional UPDATE. Settle
-- releases the reservation and charges the actual cost. Both columns carry
-- CHECK >= 0, so no interleaving of statements can drive either below zero.

CREATE TABLE public.user_accounts (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- RESTRICT: a user with money history is closed deliberately, not by a cascade.
    user_id    uuid NOT NULL UNIQUE REFERENCES public.users (id) ON DELETE RESTRICT,
    balance    numeric(14, 6) NOT NULL DEFAULT 0,
    reserved   numeric(14, 6) NOT NULL DEFAULT 0,
    currency   char(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_accounts_balance_non_negative CHECK (balance >= 0),
    CONSTRAINT user_accounts_reserved_non_negative CHECK (reserved >= 0)
);

CREATE TABLE public.ledger_entries (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id      uuid NOT NULL REFERENCES public.user_accounts (id) ON DELETE RESTRICT,
    kind            public.ledger_entry_kind NOT NULL,
    -- Signed change of the available balance (credits > 0, debits < 0).
    amount          numeric(14, 6) NOT NULL,
    -- Signed change of the reserved amount (RESERVE > 0, SETTLE/RELEASE < 0).
    reserved_delta  numeric(14, 6) NOT NULL DEFAULT 0,
    balance_after   numeric(14, 6) NOT NULL CHECK (balance_after >= 0),
    reserved_after  numeric(14, 6) NOT NULL DEFAULT 0 CHECK (reserved_after >= 0),
    -- No foreign key: the ledger outlives runs (a deleted run must not erase
    -- or rewrite money history), so the run id is kept as plain data.
    run_id          uuid,
    -- Makes reserve/settle retries safe: the second insert hits the unique key.
    idempotency_key text UNIQUE CHECK (length(idempotency_key) BETWEEN 8 AND 200),
    description     text CHECK (length(description) <= 500),
    created_by      uuid REFERENCES public.users (id) ON DELETE RESTRICT,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ledger_entries_moves_money CHECK (amount <> 0 OR reserved_delta <> 0),
    CONSTRAINT ledger_entries_top_up_credits CHECK (kind <> 'TOP_UP' OR (amount > 0 AND reserved_delta = 0)),
    CONSTRAINT ledger_entries_reserve_holds CHECK (kind <> 'RESERVE' OR (amount < 0 AND reserved_delta = -amount)),
    CONSTRAINT ledger_entries_fee_debits CHECK (kind <> 'FEE' OR amount <= 0)
);
CREATE INDEX ledger_entries_account_idx ON public.ledger_entries (account_id, created_at);
CREATE INDEX ledger_entries_run_idx ON public.ledger_entries (run_id) WHERE run_id IS NOT NULL;
-- A run is reserved once and settled once.
CREATE UNIQUE INDEX ledger_entries_run_kind_key ON public.ledger_entries (run_id, kind)
    WHERE run_id IS NOT NULL AND kind IN ('RESERVE', 'SETTLE', 'RELEASE', 'FEE');

-- Append-only, without exception: corrections are new ADJUSTMENT/REFUND entries.
CREATE FUNCTION public.reject_ledger_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'public.ledger_entries is append-only: % is refused', TG_OP
        USING ERRCODE = 'CV001',
              HINT = 'record a correction as a new ADJUSTMENT or REFUND entry';
END;
$$;

CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON public.ledger_entries
    FOR EACH ROW EXECUTE FUNCTION public.reject_ledger_change();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON public.ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION public.reject_ledger_change();

CREATE TRIGGER user_accounts_touch BEFORE UPDATE ON public.user_accounts FOR EACH ROW
    WHEN (NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at)
    EXECUTE FUNCTION public.touch_updated_at();
