"""Governance: tiers, admission, the reserve/settle ledger, quota resets and the BYOK vault."""

# Admission, ledger, settlement, resets, billing report (G2); the BYOK vault (G1).
from cvpath.governance.admission import Admission, admit
from cvpath.governance.billing_report import billing_report
from cvpath.governance.ledger import account, adjust, top_up, verify
from cvpath.governance.resets import reset_daily_quotas, reset_monthly_spend
from cvpath.governance.settlement import Settlement, settle
from cvpath.governance.vault import (
    Vault,
    VaultKeyResolver,
    key_version_counts,
    load_key,
    rotate,
    store_key,
)
from cvpath.governance.vault_keys import MasterKeys

__all__ = [
    "Admission",
    "MasterKeys",
    "Settlement",
    "Vault",
    "VaultKeyResolver",
    "account",
    "adjust",
    "admit",
    "billing_report",
    "key_version_counts",
    "load_key",
    "reset_daily_quotas",
    "reset_monthly_spend",
    "rotate",
    "settle",
    "store_key",
    "top_up",
    "verify",
]
