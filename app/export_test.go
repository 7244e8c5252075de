package app

// ShutdownTimeout is how long Run waits for requests in flight when it stops.
const ShutdownTimeout = shutdownTimeout
