// GraphiQL on /graphql, started from a file (not inline) so the page can forbid inline scripts.
// Adapted from strawberry's GraphiQL template; the board's key (sessionStorage) fills the headers when present.
(function () {
  "use strict";
  var EXAMPLE_QUERY = [
    "# GraphiQL for the sales-production decision service.",
    "# Put your API key under Headers: {\"Authorization\": \"Bearer <key>\"}",
    "# Run: Ctrl-Enter. Complete: Ctrl-Space.",
    "",
    "{",
    "  orders(first: 5) { edges { node { code status promisedDate customer { name } } } }",
    "}",
    "",
  ].join("\n");

  var parameters = {};
  window.location.search.slice(1).split("&").forEach(function (entry) {
    var eq = entry.indexOf("=");
    if (eq >= 0) {
      parameters[decodeURIComponent(entry.slice(0, eq))] = decodeURIComponent(entry.slice(eq + 1));
    }
  });

  function updateURL(data) {
    Object.assign(parameters, data);
    var search = "?" + Object.keys(parameters)
      .filter(function (k) { return Boolean(parameters[k]); })
      .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(parameters[k]); })
      .join("&");
    history.replaceState(null, "", search);
  }

  var fetchURL = window.location.href.split("?")[0].split("#")[0];
  var wsURL = new URL(fetchURL);
  wsURL.protocol = wsURL.protocol === "https:" ? "wss:" : "ws:";

  var fetcher = GraphiQL.createFetcher({ url: fetchURL, subscriptionUrl: wsURL.toString() });

  // A key typed into the board in this tab is offered here too; GraphiQL keeps its own headers otherwise.
  var boardKey = null;
  try { boardKey = window.sessionStorage.getItem("sop.apiKey"); } catch (e) { boardKey = null; }
  var initialHeaders = boardKey ? JSON.stringify({ Authorization: "Bearer " + boardKey }, null, 2) : undefined;

  function GraphiQLWithExplorer() {
    var q = React.useState(parameters.q || EXAMPLE_QUERY);
    var v = React.useState(parameters.variables);
    var h = React.useState(initialHeaders);
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
      query: q[0],
      variables: v[0],
      headers: h[0],
      onEditQuery: function (value) { q[1](value); updateURL({ q: value }); },
      onEditVariables: function (value) { v[1](value); updateURL({ variables: value }); },
      onEditHeaders: function (value) { h[1](value); },
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(GraphiQLWithExplorer));
})();
