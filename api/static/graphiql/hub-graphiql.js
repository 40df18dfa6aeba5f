// The hub's GraphiQL page: asks for an API key once per page load and sends it as a bearer
// token with every query. A file of its own (no inline script), so the page's
// Content-Security-Policy can allow scripts from the API only.
(function () {
  const key = window.prompt("API key (hub keys create --role agent --name me)") || "";
  const fetcher = GraphiQL.createFetcher({url: "/graphql", headers: {Authorization: "Bearer " + key}});
  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(GraphiQL, {fetcher}));
})();
