"""Demo data for the shipped presets: each desk's own customers, people, products and cases.

A plain package above desks and cases: `casedesk.demo.loader.load_demo(desk)`
writes cases only through `casedesk.cases.services`; the per-desk data is in
`casedesk.demo.catalogue`. Nothing in desks or cases imports it.
"""
