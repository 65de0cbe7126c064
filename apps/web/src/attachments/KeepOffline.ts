/** The device setting (a `meta` record) that keeps every attachment's chunks on the device, fetched in the background. */
export const keepOfflineKey = "keepAttachmentsOffline"
