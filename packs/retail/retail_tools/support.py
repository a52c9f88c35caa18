"""Handing a conversation over to a human agent."""


def transfer_to_human_agents(db, summary):
    """Record a transfer with a summary of the user's request; the state keeps a log of them."""
    if not isinstance(summary, str) or not summary.strip():
        raise ValueError("summary must be a non-empty string")
    db["human_transfers"].append({"summary": summary.strip()})
    return "Transfer successful"
