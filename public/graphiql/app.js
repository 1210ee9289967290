/* global React, ReactDOM, GraphiQL */
// Every asset comes from this server, so GraphiQL works where other hosts cannot be reached.
(function () {
  const http = `${window.location.protocol}//${window.location.host}/graphql`
  const ws = `${window.location.protocol === 'https:' ? 'wss:' : 'ws:'}//${window.location.host}/graphql`
  const fetcher = GraphiQL.createFetcher({ url: http, subscriptionUrl: ws })
  const root = ReactDOM.createRoot(document.getElementById('graphiql'))
  root.render(React.createElement(GraphiQL, {
    fetcher,
    defaultQuery: '{\n  events(first: 5) {\n    nodes { id title start place { name } }\n  }\n}\n',
    shouldPersistHeaders: true,
  }))
})()
