package handlers

// HTMXHeader is the header the tests' htmx requests carry: the one the
// handlers read.
const HTMXHeader = htmxHeader

// FormHeader marks a 5xx answer that is the form again; /static/forms.js
// reads it by name.
const FormHeader = formHeader

// PageJoin is the join page's stream, as the live broker is told it.
const PageJoin = pageJoin
