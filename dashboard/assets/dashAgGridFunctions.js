// Functions the status grid's column definitions call (dash-ag-grid looks them up here).
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

var STATUS_SYMBOLS = {met: "✓", on_track: "↗", at_risk: "!", off_track: "↘", missed: "✗", no_data: "·"};

dagfuncs.statusSymbol = function (status) {
  return status ? STATUS_SYMBOLS[status] || "" : "";
};

dagfuncs.statusTooltip = function (params, labels) {
  if (!params.value) { return null; }
  return params.data.region + " · " + params.colDef.headerName + " · " + (labels[params.value] || params.value);
};
