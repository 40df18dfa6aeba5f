"""The monthly leadership report: KPIs against targets, trends, top field alerts and
staffing, one PDF per month from the serving store (docs/contact_center.md "Monthly
leadership report")."""
