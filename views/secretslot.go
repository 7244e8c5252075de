package views

// SecretSlot stands in for a secret in a render that is kept (the host
// link on the dashboard): the page is kept and shared without it, and the
// handler fills in the requester's own as it sends the page, outside what
// it compresses. Letters only, so escaping leaves it as it is.
const SecretSlot = "SECRETSLQTFILLEDWHENSENT"

// DeviceSlot stands in, the same way, for the name of the device that asks
// (the dashboard's "this device"), so one kept page serves every device.
const DeviceSlot = "DEVICESLQTFILLEDWHENSENT"
