"""``intertex screen``: many companies at once, from a portfolio file or INSEE's SIRENE stock.

Needs the optional libraries of ``pip install 'intertex-cli[screen]'`` (pyarrow, numpy,
openpyxl); nothing here is imported unless the screen command runs.

- ``batch``: a block of companies as columns (values, ranges, codes), and the exact
  reduction that lets one run of the engine serve every company alike;
- ``readers``: CSV (plain or zipped), Excel and Parquet read as text columns, every
  problem of a file said at this boundary, within stated limits;
- ``portfolio``: a CSV, Excel or Parquet file whose columns are the answers keys, each
  row checked and its bad cells recorded;
- ``sirene``: INSEE's StockUniteLegale and StockEtablissement files, mapped by
  ``sirene.yaml`` (data, with its sources);
- ``output``: the result file, the JSON array and the per-scheme summary;
- ``run``: reading, screening and writing, in batches, with a progress bar.
"""
