"""How each KPI is computed, in words: the one text the GraphQL descriptions and the CLI show."""

from __future__ import annotations

import enum

# Keys are the contract's field names. "Promised" orders are those ACCEPTED, SCHEDULED,
# IN_PRODUCTION, IN_STOCK, SHIPPED, DELIVERED or CLOSED; days are UTC calendar days; a period is [from, to).
KPI_DEFINITIONS: dict[str, str] = {
    "orderFulfillmentRate": (
        "Of the promised orders whose promisedDate falls in [from, to), the share that were fully in stock "
        "(completedAt, the moment the order reached IN_STOCK) or shipped (shippedAt) on or before the promised "
        "day (UTC). Orders not yet complete count as not fulfilled. Null when no order was promised in the period."
    ),
    "complaintRate": (
        "Complaints (feedback kind COMPLAINT) with cause PRODUCTION recorded in [from, to), divided by the "
        "orders completed (completedAt) in [from, to). Null when no order was completed in the period."
    ),
    "orderResponseHours": (
        "Median hours from receivedAt to scheduledAt over the orders received in [from, to) that have been "
        "scheduled (unscheduled orders are not measured). Numerator is empty; denominator is the number of "
        "orders measured. Null when none was scheduled."
    ),
    "rushInsertionSuccessRate": (
        "Rush orders received in [from, to) that were promised (status ACCEPTED or later, not cancelled) with a "
        "promisedDate on or before their requestedDate, divided by the rush orders received in the period."
    ),
    "rushOnTimeRate": "orderFulfillmentRate computed over rush orders only.",
    "planCompletionRate": (
        "Quantity made / quantity planned over the plan items of the weeks starting in [from, to). For each week "
        "the plan counted is the latest version whose horizon started on or before that week (the plan the plant "
        "ran); its weekly items are used, or its daily items when it has no weekly ones for the week."
    ),
    "inventoryTurnover": (
        "Cost of goods completed in [from, to) (quantity x unit cost of the order lines of orders whose "
        "completedAt falls in the period) divided by the mean finished-goods stock value: the mean of the stock "
        "value at the first instant of `from` and of `to`, each derived as products.onHand minus every stock "
        "movement at or after that instant, valued at the product's current unit cost."
    ),
    "forecastAccuracy": (
        "1 - WMAPE of the mid forecast: sum over sku-weeks of |ordered - mid| / sum of ordered, over the sku-weeks "
        "whose week (Monday) starts in [from, to) and that were forecast. The forecast used is the latest "
        "submission made before the week started (submitted on an earlier UTC day); ordered is the quantity on "
        "order lines of non-cancelled orders whose requestedDate falls in that week. Can be negative when the "
        "errors exceed the demand. Null when nothing forecast was ordered."
    ),
    "revenue": "Sum of the amount of orders shipped (shippedAt) in [from, to), in the company currency.",
    "collectionRate": (
        "Payments paid (recordPayment's paidOn) before `to` against the orders shipped in [from, to), divided by the "
        "amount of those orders. Null when no order shipped or no payment has ever been recorded."
    ),
    "output": "Units made (progress reports' quantity, scrap excluded) reported in [from, to).",
    "yield": "Good units / (good units + scrap) over progress reports in [from, to).",
    "revenueGrowth": (
        "revenue in [from, to) / revenue in the same days one year earlier, minus 1. Numerator is this period's "
        "revenue, denominator last year's. Null when last year had no revenue."
    ),
}


class Measure(enum.StrEnum):
    """What a KPI's numerator or denominator counts, so it can be served as an exact count or amount."""

    COUNT = "COUNT"  # orders, complaints: whole numbers
    UNITS = "UNITS"  # quantities of product (fractional units allowed)
    MONEY = "MONEY"  # the company currency


# (numerator, denominator) of each KPI; None where the KPI has none (a total has no denominator, the median
# response time no numerator).
KPI_MEASURES: dict[str, tuple[Measure | None, Measure | None]] = {
    "orderFulfillmentRate": (Measure.COUNT, Measure.COUNT),
    "complaintRate": (Measure.COUNT, Measure.COUNT),
    "orderResponseHours": (None, Measure.COUNT),
    "rushInsertionSuccessRate": (Measure.COUNT, Measure.COUNT),
    "rushOnTimeRate": (Measure.COUNT, Measure.COUNT),
    "planCompletionRate": (Measure.UNITS, Measure.UNITS),
    "inventoryTurnover": (Measure.MONEY, Measure.MONEY),
    "forecastAccuracy": (Measure.UNITS, Measure.UNITS),
    "revenue": (Measure.MONEY, None),
    "collectionRate": (Measure.MONEY, Measure.MONEY),
    "output": (Measure.UNITS, None),
    "yield": (Measure.UNITS, Measure.UNITS),
    "revenueGrowth": (Measure.MONEY, Measure.MONEY),
}
