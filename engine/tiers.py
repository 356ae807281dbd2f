"""Customer tiers: which tier a customer's sales fall in, and which rows of
the tier table a recomputation creates, changes and removes."""

from dataclasses import dataclass, field


def tier_for_amount(amount, thresholds):
    """The tier of ``thresholds`` ([(tier, low, high or None)], high
    excluded) containing ``amount``, or None."""
    for tier, low, high in thresholds:
        if amount >= low and (high is None or amount < high):
            return tier
    return None


@dataclass
class TierChanges:
    """What a recomputation writes: ``create`` {partner: tier} (no row
    yet), ``update`` {partner: tier} (a row with another tier), ``remove``
    [partner] (no tier covers its sales any more)."""

    create: dict = field(default_factory=dict)
    update: dict = field(default_factory=dict)
    remove: list = field(default_factory=list)

    def __len__(self):
        return len(self.create) + len(self.update) + len(self.remove)


def classify(sales, rows, thresholds, partners):
    """The changes of one company's classification.

    ``sales``: {partner: invoiced sales in the window}; ``rows``: {partner:
    (tier or None, locked)} of the tier table; ``partners``: {partner:
    active} of the commercial partners among them (the others are not
    classified).  A partner is classified when it has sales, or is active
    with a tier (no sales: the tier of 0); a locked one never.
    """
    changes = TierChanges()
    for partner in sorted(sales.keys() | rows.keys()):
        old, locked = rows.get(partner, (None, False))
        if locked or partner not in partners:
            continue
        if partner not in sales and not (partners[partner] and old is not None):
            continue
        new = tier_for_amount(sales.get(partner, 0.0), thresholds)
        if new is None:
            if old is not None:
                changes.remove.append(partner)
        elif partner not in rows:
            changes.create[partner] = new
        elif new != old:
            changes.update[partner] = new
    return changes
