// Functions the status grid's column definitions call (dash-ag-grid looks them up here).
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

var STATUS_SYMBOLS = {met: "✓", met_late: "☑", on_track: "↗", at_risk: "!", off_track: "↘", missed: "✗", no_data: "·"};

// The status grid's rows carry one letter per column (components.STATUS_LETTERS).
var STATUS_OF_LETTER = {m: "met", l: "met_late", o: "on_track", r: "at_risk", f: "off_track", x: "missed", n: "no_data"};

dagfuncs.statusAt = function (params, position) {
  var letters = params.data && params.data.s;
  return letters ? STATUS_OF_LETTER[letters.charAt(position)] : undefined;
};

dagfuncs.statusSymbol = function (status) {
  return status ? STATUS_SYMBOLS[status] || "" : "";
};

dagfuncs.statusTooltip = function (params, labels) {
  if (!params.value) { return null; }
  return params.data.region + " · " + params.colDef.headerName + " · " + (labels[params.value] || params.value);
};
