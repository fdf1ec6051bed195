"""GraphQL over HTTP and WebSocket: thin types and resolvers over the services."""
