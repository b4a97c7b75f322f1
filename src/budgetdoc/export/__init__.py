"""Export stage: HTML tables (PubTabNet style), and later CSV/XLSX/Parquet."""
