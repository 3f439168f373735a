/** The environment variable naming the configuration file when no `--config` is given. */
export const CONFIG_ENV = "BILLPAY_CONFIG";
