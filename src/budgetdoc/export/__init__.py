"""Export stage: HTML tables (PubTabNet style, :mod:`.html`), CSV and XLSX with merged cells
(:mod:`.tabular`), and overlays of labels on page images (:mod:`.overlay`)."""
