package handlers

// HTMXHeader is the header the tests' htmx requests carry: the one the
// handlers read.
const HTMXHeader = htmxHeader
