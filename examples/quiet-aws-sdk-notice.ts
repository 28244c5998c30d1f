// The AWS SDK prints a notice on Node 20 that its releases after January 2027 will need Node 22.
// It says nothing about retries, so the demo and the examples runner leave it out of their output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export {};
