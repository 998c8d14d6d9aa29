//! The registry of diagnostic codes: every code monocle reports, with the
//! one-line explanation `docs/diagnostics.md` lists. Diagnostics name their
//! code by these constants only (a test refuses a code written anywhere
//! else), and the error-corpus test walks [`ALL`] to require a case per code.

macro_rules! registry {
    ($($name:ident = $code:literal, $explain:literal;)*) => {
        $(#[doc = $explain] pub const $name: &str = $code;)*
        /// Every code with its explanation, grouped by area.
        pub const ALL: &[(&str, &str)] = &[$(($code, $explain)),*];
    };
}

registry! {
    ALERTS_INVALID_RUNBOOK = "monocle::alerts::invalid_runbook",
        "An alert's `runbook` (or a `runbook_url` annotation, an SLO's too) is not an http(s) URL.";
    ALERTS_INVALID_TEMPLATE = "monocle::alerts::invalid_template",
        "An alert annotation or label is not a valid Go template (unbalanced `{{ }}`); Prometheus would reject the rule group.";
    ALERTS_TEMPLATE_EXTERNAL_LABEL = "monocle::alerts::template_external_label",
        "A template reads `$labels.cluster` (or another external label), which is empty while the rule runs; use `$externalLabels`.";
    ALERTS_TEMPLATE_LABEL_MISSING = "monocle::alerts::template_label_missing",
        "A template reads `$labels.X` but the expression's result can never carry `X` (aggregated away, `without`, `on`).";
    ALERTS_UNKNOWN_SEVERITY = "monocle::alerts::unknown_severity",
        "An alert's `severity` (or an SLO alert's) is not one of the spec's `severities` (default `critical`, `warning`, `info`).";
    ALLOY_INVALID_URL = "monocle::alloy::invalid_url",
        "An Alloy URL (`loki_url`, `metrics_url`) is not an http(s) URL.";
    ALLOY_MISSING_LOKI_URL = "monocle::alloy::missing_loki_url",
        "Log pipelines are defined but `alloy.loki_url` is missing.";
    ALLOY_MISSING_METRICS_URL = "monocle::alloy::missing_metrics_url",
        "`alloy.scrape: servicemonitors` needs `metrics_url` to remote-write to.";
    ALLOY_MISSING_REGEX = "monocle::alloy::missing_regex",
        "A log pipeline with `format: regex` has no `regex`.";
    ALLOY_NO_LEVEL_FIELD = "monocle::alloy::no_level_field",
        "`drop_levels` is set but the pipeline's format extracts no `level` field.";
    ALLOY_REGEX_NOT_RE2 = "monocle::alloy::regex_not_re2",
        "A log regex uses syntax RE2 (Alloy's regex engine) does not have.";
    ALLOY_REGEX_WITHOUT_GROUPS = "monocle::alloy::regex_without_groups",
        "A log regex has no named groups, so it extracts nothing.";
    ALLOY_RESERVED_LABEL = "monocle::alloy::reserved_label",
        "A log pipeline promotes a label monocle sets itself on every line.";
    ALLOY_UNKNOWN_FIELD = "monocle::alloy::unknown_field",
        "A log pipeline promotes a field its format does not extract.";
    ALLOY_UNUSED_REGEX = "monocle::alloy::unused_regex",
        "(warning) `regex` is set on a pipeline whose format is not `regex`.";
    CARDINALITY_DROPPED_LABEL = "monocle::cardinality::dropped_label",
        "(warning) A query aggregates `by` a label its service drops at scrape time.";
    CARDINALITY_NO_SAMPLE_LIMIT = "monocle::cardinality::no_sample_limit",
        "(warning) A service has no `sample_limit`; one bad deploy can flood Prometheus.";
    CARDINALITY_SAMPLE_LIMIT_ZERO = "monocle::cardinality::sample_limit_zero",
        "(warning) `sample_limit: 0` means no limit at all.";
    DASHBOARDS_ANNOTATION_QUERY = "monocle::dashboards::annotation_query",
        "An annotation has not exactly one of `expr` (PromQL) and `logql`.";
    DASHBOARDS_INVALID_COLOR = "monocle::dashboards::invalid_color",
        "A colour is neither a Grafana colour name nor a hex colour.";
    DASHBOARDS_INVALID_FOLDER = "monocle::dashboards::invalid_folder",
        "A dashboard `folder` is empty, absolute, or leaves the dashboards folder.";
    DASHBOARDS_INVALID_HEIGHT = "monocle::dashboards::invalid_height",
        "A panel height is zero.";
    DASHBOARDS_INVALID_LOGQL = "monocle::dashboards::invalid_logql",
        "A LogQL query does not parse.";
    DASHBOARDS_INVALID_VARIABLE_QUERY = "monocle::dashboards::invalid_variable_query",
        "A dashboard variable's query is not a valid `label_values(...)`/`query_result(...)` query.";
    DASHBOARDS_INVALID_WIDTH = "monocle::dashboards::invalid_width",
        "A panel width is outside Grafana's 24-column grid.";
    DASHBOARDS_LOGQL_KIND = "monocle::dashboards::logql_kind",
        "A logs panel has a metric LogQL query (or the reverse).";
    DASHBOARDS_OVERRIDE_MATCH = "monocle::dashboards::override_match",
        "An override matches by not exactly one of `name`, `regex` and `query`, or by a query the panel does not have.";
    DASHBOARDS_PANEL_CONTENT = "monocle::dashboards::panel_content",
        "A text panel has no `content`.";
    DASHBOARDS_PANEL_DATASOURCE = "monocle::dashboards::panel_datasource",
        "A panel's query language does not fit its type (PromQL in a logs panel).";
    DASHBOARDS_PANEL_OPTION = "monocle::dashboards::panel_option",
        "A panel sets an option its type does not have (`stack` on a stat).";
    DASHBOARDS_PANEL_QUERY = "monocle::dashboards::panel_query",
        "A panel needs a query and has none, or has both `expr` and `queries`.";
    DASHBOARDS_RESERVED_UID = "monocle::dashboards::reserved_uid",
        "A dashboard uid is the uid of a generated SLO dashboard.";
    DASHBOARDS_RESERVED_VARIABLE = "monocle::dashboards::reserved_variable",
        "A variable name is one of Grafana's built-in variables.";
    DASHBOARDS_THRESHOLDS_ORDER = "monocle::dashboards::thresholds_order",
        "Thresholds are not in ascending order.";
    DASHBOARDS_UNDEFINED_VARIABLE = "monocle::dashboards::undefined_variable",
        "A query uses `$var` that the dashboard does not define.";
    DASHBOARDS_UNKNOWN_FIELD = "monocle::dashboards::unknown_field",
        "A table's transformation names a column its queries cannot give (where every query's columns are known).";
    DASHBOARDS_VARIABLE_KIND = "monocle::dashboards::variable_kind",
        "A variable lacks what its `type` needs (a custom variable's `values`) or sets what it does not use.";
    KDL_DUPLICATE_KEY = "monocle::kdl::duplicate_key",
        "A KDL property or child is written twice.";
    KDL_NUMBER_TOO_LARGE = "monocle::kdl::number_too_large",
        "A KDL integer does not fit a signed 64-bit integer.";
    KDL_SYNTAX = "monocle::kdl::syntax",
        "The file is not valid KDL.";
    KDL_TOO_DEEP = "monocle::kdl::too_deep",
        "KDL nodes are nested past the limit.";
    KDL_UNEXPECTED_ARGUMENT = "monocle::kdl::unexpected_argument",
        "A KDL node has an argument where none is taken.";
    KDL_UNEXPECTED_NODE = "monocle::kdl::unexpected_node",
        "A KDL list wrapper holds an item of the wrong name.";
    LOAD_EMPTY_FILE = "monocle::load::empty_file",
        "A spec file is empty or only comments.";
    LOAD_IGNORED_FILE = "monocle::load::ignored_file",
        "(warning) A spec-like file is skipped (hidden, or an extension monocle does not read).";
    LOAD_NO_SPEC_FILES = "monocle::load::no_spec_files",
        "The spec folder holds no `.yaml`, `.yml` or `.kdl` files.";
    LOAD_NOT_A_FILE = "monocle::load::not_a_file",
        "A spec path is a FIFO, socket or device; it is not read.";
    LOAD_NOT_UTF8 = "monocle::load::not_utf8",
        "A spec file is not UTF-8 text.";
    LOAD_SYMLINK_OUTSIDE = "monocle::load::symlink_outside",
        "A symlink in the spec folder leads outside it; it is not read.";
    LOAD_TOO_LARGE = "monocle::load::too_large",
        "A spec file, or the whole spec, is over the size limit.";
    LOAD_TOO_MANY_FILES = "monocle::load::too_many_files",
        "The spec folder holds more files than the limit.";
    MONITOR_EXPECTED_CLUSTERS_TOO_LOW = "monocle::monitor::expected_clusters_too_low",
        "(warning) `expected_clusters` is below the clusters the spec already has.";
    MONITOR_IDLE_MONITORS = "monocle::monitor::idle_monitors",
        "(warning) More monitors than buckets: some own nothing.";
    MONITOR_INVALID_BUCKETS = "monocle::monitor::invalid_buckets",
        "The bucket count is not a power of two within the limit.";
    MONITOR_NO_MONITORS = "monocle::monitor::no_monitors",
        "The monitor daemon section lists no monitors.";
    MONITOR_OVER_BUDGET = "monocle::monitor::over_budget",
        "The busiest monitor needs more memory than its budget.";
    MONITOR_RESERVED_CLUSTER_NAME = "monocle::monitor::reserved_cluster_name",
        "A cluster is named like the monitor daemon's output folder.";
    MONITOR_TIMEOUT_TOO_LONG = "monocle::monitor::timeout_too_long",
        "The monitor's check timeout is not shorter than its interval.";
    MONITOR_ZERO_TIMEOUT = "monocle::monitor::zero_timeout",
        "The monitor's check timeout is zero.";
    NAMES_DERIVED_NAME_COLLISION = "monocle::names::derived_name_collision",
        "Two SLOs, or two services, whose names differ would be written to the same file and object (names are lowercased, `_` and `.` become `-`).";
    NAMES_DUPLICATE = "monocle::names::duplicate",
        "Two items of one kind share a name (across all spec files).";
    NAMES_DUPLICATE_SLO_ALERT = "monocle::names::duplicate_slo_alert",
        "Two SLOs would name their burn-rate alerts alike.";
    NAMES_INVALID_RECORD_NAME = "monocle::names::invalid_record_name",
        "A recording rule's `record` is not a valid Prometheus metric name.";
    NAMES_EMPTY_NAME = "monocle::names::empty_name",
        "A name is empty.";
    NAMES_INVALID_ALERT_NAME = "monocle::names::invalid_alert_name",
        "An alert name is not a valid Prometheus metric-style name.";
    NAMES_INVALID_DNS_NAME = "monocle::names::invalid_dns_name",
        "A name that becomes a Kubernetes object or file is not a DNS-1123 name.";
    NAMES_INVALID_LABEL_KEY = "monocle::names::invalid_label_key",
        "A Kubernetes label key is invalid.";
    NAMES_INVALID_LABEL_NAME = "monocle::names::invalid_label_name",
        "A Prometheus label name is invalid.";
    NAMES_INVALID_LABEL_VALUE = "monocle::names::invalid_label_value",
        "A Kubernetes label value is invalid.";
    NAMES_INVALID_SERVICE_NAME = "monocle::names::invalid_service_name",
        "A service name uses characters Sloth does not allow (letters, digits, `-`, `_`, `.`; a letter or digit at both ends).";
    NAMES_INVALID_SLO_NAME = "monocle::names::invalid_slo_name",
        "An SLO name uses characters Sloth does not allow (letters, digits, `-`, `_`, `.`; a letter or digit at both ends).";
    NAMES_RESERVED_FILE_NAME = "monocle::names::reserved_file_name",
        "A name that becomes a file or folder is reserved on Windows (`con`, `nul`, `aux`, `com1`, ...).";
    NAMES_RESERVED_LABEL = "monocle::names::reserved_label",
        "An alert label name starts with `__` (`__name__`), which Prometheus reserves for itself.";
    NAMES_UID_TOO_LONG = "monocle::names::uid_too_long",
        "A dashboard uid is longer than Grafana's 40 characters.";
    OUTPUT_RESERVED_CLUSTER_NAME = "monocle::output::reserved_cluster_name",
        "A cluster is named like a folder monocle writes beside the cluster folders (`shared`, `delivery`).";
    OUTPUT_MISSING_REPOSITORY = "monocle::output::missing_repository",
        "`output.delivery: argocd` needs `output.repository.url`: an ApplicationSet names the repository it reads.";
    OUTPUT_INVALID_REPOSITORY = "monocle::output::invalid_repository",
        "A field of `output.repository` cannot be used: a path that is absolute or leaves the repository, an empty revision, a URL without a scheme, an invalid Flux source name.";
    OUTPUT_UNUSED_REPOSITORY = "monocle::output::unused_repository",
        "`output.repository` is set but `output.delivery` is not, so nothing reads it.";
    PACKS_AMBIGUOUS_OVERRIDE = "monocle::packs::ambiguous_override",
        "A `threshold` override names several alerts of a pack (a warning/critical pair) with different thresholds; name one as `Name:severity`.";
    PACKS_INVALID = "monocle::packs::invalid",
        "A pack file is not a usable pack: no `pack` header, a section a pack cannot hold, a threshold that is not a number.";
    PACKS_JOB_MISMATCH = "monocle::packs::job_mismatch",
        "A pack's `selector` pins the label its monitor takes the job from to another value than its `job` param: the pack's alerts select series that never exist.";
    PACKS_MISSING_SHARD = "monocle::packs::missing_shard",
        "A pack is listed without `shard` in a spec with several Prometheus shards.";
    PACKS_NO_THRESHOLD = "monocle::packs::no_threshold",
        "A `packs[].alerts` override sets `threshold` on an alert that has none.";
    PACKS_NOT_FOUND = "monocle::packs::not_found",
        "A `packs[].name` path names no readable pack folder (one holding `pack.yaml`).";
    PACKS_OVERLAP = "monocle::packs::overlap",
        "The same pack is listed twice for one cluster; listings of a pack need disjoint `clusters`.";
    PACKS_PARAM_TYPE = "monocle::packs::param_type",
        "A pack param's value (or its default) does not have the param's type.";
    PACKS_UNDEFINED_PARAM = "monocle::packs::undefined_param",
        "A pack uses `{{ params.x }}` for a param it does not declare.";
    PACKS_UNKNOWN = "monocle::packs::unknown",
        "A `packs[].name` is no built-in pack (and not a folder path).";
    PACKS_UNKNOWN_ALERT = "monocle::packs::unknown_alert",
        "A `packs[].alerts` override names an alert the pack does not have.";
    PACKS_UNKNOWN_PARAM = "monocle::packs::unknown_param",
        "A `packs[].params` key is no param of the pack.";
    PROMETHEUS_INVALID_URL = "monocle::prometheus::invalid_url",
        "A remote-write URL is not an http(s) URL.";
    PROMETHEUS_NO_STORAGE = "monocle::prometheus::no_storage",
        "(warning) A retention over 1d without `storage`: the data is lost on every restart.";
    PROMETHEUS_OWN_RULE_LABEL = "monocle::prometheus::own_rule_label",
        "`rule_labels` would overwrite a label monocle sets on its objects.";
    PROMQL_ALERT_NOT_A_VECTOR = "monocle::promql::alert_not_a_vector",
        "An alert expression is a scalar, a range vector or a string: the rule loads but the alert never fires.";
    PROMQL_INVALID = "monocle::promql::invalid",
        "A PromQL expression does not parse.";
    PROMQL_INVALID_METRIC = "monocle::promql::invalid_metric",
        "A metric name (latency SLI `metric`) is invalid.";
    PROMQL_INVALID_SELECTOR = "monocle::promql::invalid_selector",
        "A latency SLI `selector` is not a list of PromQL label matchers.";
    PROMQL_OPERATOR_LABEL = "monocle::promql::operator_label",
        "(warning) A query selects `endpoint`/`namespace` with a value the Prometheus Operator never sets on that service's series.";
    PROMQL_TOO_LARGE = "monocle::promql::too_large",
        "A PromQL expression is longer than 64 KiB or has more than 1,000 operators, past which the parser's time grows quadratically.";
    REFS_MISSING_SHARD = "monocle::refs::missing_shard",
        "A service must name its shard when there are several.";
    REFS_UNKNOWN_RECEIVER = "monocle::refs::unknown_receiver",
        "A route or test names a receiver that is not defined.";
    REFS_UNKNOWN_SERVICE = "monocle::refs::unknown_service",
        "An alert, SLO or other item names a service that is not defined.";
    REFS_UNKNOWN_SHARD = "monocle::refs::unknown_shard",
        "A service names a shard that is not defined.";
    REGEX_INVALID = "monocle::regex::invalid",
        "A regular expression does not compile as RE2.";
    REGEX_NOT_RE2 = "monocle::regex::not_re2",
        "A regex (`drop_metrics`, a PromQL `=~` matcher) uses syntax Rust accepts but RE2 does not: `(?<name>`, look-around, repeat counts over 1000.";
    RELABEL_INVALID_LABEL = "monocle::relabel::invalid_label",
        "A relabel step names an invalid label.";
    RELABEL_MISSING_MODULUS = "monocle::relabel::missing_modulus",
        "A `hashmod` relabel step has no `modulus`.";
    RELABEL_MISSING_TARGET = "monocle::relabel::missing_target",
        "A relabel step whose action writes a label has no `target_label`.";
    RELABEL_UNUSED_FIELD = "monocle::relabel::unused_field",
        "A relabel step sets a field its action ignores.";
    ROUTING_DESELECTED_RECEIVER = "monocle::routing::deselected_receiver",
        "A route sends to a receiver that is not selected for one of the route's clusters.";
    ROUTING_EMAIL_PASSWORD = "monocle::routing::email_password",
        "An email receiver gives both `auth_password_file` and `auth_password_secret`.";
    ROUTING_INLINE_SECRET = "monocle::routing::inline_secret",
        "A receiver field would put a secret into the generated files.";
    ROUTING_INVALID_GROUP_BY = "monocle::routing::invalid_group_by",
        "`group_by` mixes `...` with label names, or names an invalid label.";
    ROUTING_INVALID_LABEL_NAME = "monocle::routing::invalid_label_name",
        "A routing label name is invalid.";
    ROUTING_INVALID_MATCHER = "monocle::routing::invalid_matcher",
        "An Alertmanager matcher does not parse.";
    ROUTING_INVALID_DATE_RANGE = "monocle::routing::invalid_date_range",
        "A time interval's `days_of_month`, `months` or `years` entry is not a day, month or year (or a range of them that ends before it starts).";
    ROUTING_INVALID_INSTANT = "monocle::routing::invalid_instant",
        "A routing test's `at` is not an RFC 3339 instant (`2026-12-01T10:00:00Z`).";
    ROUTING_INVALID_LOCATION = "monocle::routing::invalid_location",
        "A time interval's `location` is not a zone of the IANA time zone database (`Europe/Berlin`), `UTC` or `Local`: Alertmanager refuses the config.";
    ROUTING_INVALID_TIME = "monocle::routing::invalid_time",
        "A time interval's `start` or `end` is not a time of day `HH:MM` from `00:00` to `24:00`.";
    ROUTING_INVALID_TIME_RANGE = "monocle::routing::invalid_time_range",
        "A time interval's time range does not end after it starts.";
    ROUTING_INVALID_WEEKDAY = "monocle::routing::invalid_weekday",
        "A time interval's `weekdays` entry is not a weekday or a range of them (`monday:friday`).";
    ROUTING_INVALID_SMARTHOST = "monocle::routing::invalid_smarthost",
        "An email receiver's `smarthost` is not `host:port`.";
    ROUTING_INVALID_TEMPLATE = "monocle::routing::invalid_template",
        "A receiver field Alertmanager renders as a Go template (Slack `title`, `text`, `channel`, PagerDuty `severity`) would fail when a notification is sent: an unknown function, variable, field or template.";
    ROUTING_NO_ROUTE = "monocle::routing::no_route",
        "Receivers are defined but there is no `routing.route`.";
    ROUTING_OPSGENIE_KEY = "monocle::routing::opsgenie_key",
        "An Opsgenie receiver needs exactly one of `api_key_file` and `api_key_secret`.";
    ROUTING_OPSGENIE_RESPONDER = "monocle::routing::opsgenie_responder",
        "An Opsgenie responder needs exactly one of `name`, `id` and `username`.";
    ROUTING_PAGERDUTY_KEY = "monocle::routing::pagerduty_key",
        "A PagerDuty receiver needs exactly one of `routing_key_file` and `routing_key_secret`.";
    ROUTING_ROOT_CLUSTERS = "monocle::routing::root_clusters",
        "The root route has `clusters`.";
    ROUTING_ROOT_MATCHERS = "monocle::routing::root_matchers",
        "The root route has `matchers`.";
    ROUTING_ROOT_TIME_INTERVALS = "monocle::routing::root_time_intervals",
        "The root route has `mute_time_intervals` or `active_time_intervals`.";
    ROUTING_ROOT_RECEIVER = "monocle::routing::root_receiver",
        "The root route has no `receiver`.";
    ROUTING_SLACK_WEBHOOK = "monocle::routing::slack_webhook",
        "A Slack receiver needs exactly one of `webhook_url_file` and `webhook_secret`.";
    ROUTING_TEST_FAILED = "monocle::routing::test_failed",
        "A routing test's alert reaches other receivers than it expects.";
    ROUTING_UNKNOWN_LOCATION = "monocle::routing::unknown_location",
        "A routing test with `at` needs a time interval whose `location` is `Local`: the Alertmanager machine's own zone, which monocle cannot know.";
    ROUTING_UNKNOWN_TIME_INTERVAL = "monocle::routing::unknown_time_interval",
        "A route names a time interval that no `routing.time_intervals` entry defines.";
    ROUTING_UNUSED_TIME_INTERVAL = "monocle::routing::unused_time_interval",
        "(warning) A time interval no route mutes or activates with.";
    ROUTING_UNREACHABLE_ROUTE = "monocle::routing::unreachable_route",
        "(warning) An earlier sibling route takes every alert this route would match.";
    ROUTING_UNUSED_RECEIVER = "monocle::routing::unused_receiver",
        "(warning) A receiver no route uses.";
    ROUTING_WEBHOOK_URL = "monocle::routing::webhook_url",
        "A webhook receiver needs exactly one of `url_file` and `url_secret`.";
    ROUTING_ZERO_INTERVAL = "monocle::routing::zero_interval",
        "A route interval is zero.";
    RULES_ANNOTATION_TWICE = "monocle::rules::annotation_twice",
        "An alert writes an annotation both in its short form (`summary`, `description`, `runbook`) and under `annotations`.";
    RULES_GROUP_CONFLICT = "monocle::rules::group_conflict",
        "The rules of one group disagree on its `interval` or shard, or two groups would be written to the same file or object.";
    RULES_LABEL_CONFLICT = "monocle::rules::label_conflict",
        "An alert's `labels` set `severity`, `team` or `service` to another value than the one monocle sets.";
    RULES_UNDEFINED_RECORD = "monocle::rules::undefined_record",
        "A rule reads a series named like a recording rule (`level:metric:operations`) that no `records` entry defines (warning).";
    RULES_SHARD_MISMATCH = "monocle::rules::shard_mismatch",
        "An alert of a service names another `shard` than the one that scrapes its service.";
    SCHEMA_INVALID_VALUE = "monocle::schema::invalid_value",
        "A value is not one of the allowed values, or out of range.";
    SCHEMA_MISSING_KEY = "monocle::schema::missing_key",
        "A required key is missing.";
    SCHEMA_UNKNOWN_KEY = "monocle::schema::unknown_key",
        "A key the language does not have (with a did-you-mean).";
    SCHEMA_WRONG_TYPE = "monocle::schema::wrong_type",
        "A value has the wrong type (string, number, list, map).";
    SECRETS_INLINE_SECRET = "monocle::secrets::inline_secret",
        "A value looks like a secret (token, key, password, credentials in a URL).";
    SECRETS_INVALID_SECRET_FILE = "monocle::secrets::invalid_secret_file",
        "A secret file path is relative, has `.`/`..` parts, or is not `<secret>/<key>` under a mounted folder.";
    SECRETS_INVALID_SECRET_NAME = "monocle::secrets::invalid_secret_name",
        "A Secret reference's name or key is invalid.";
    SELECTOR_DUPLICATE_KEY = "monocle::selector::duplicate_key",
        "A service selector requires one key twice (`app=a,app=b`): nothing matches, and `matchLabels` would keep only the last.";
    SELECTOR_EMPTY = "monocle::selector::empty",
        "A service's selector is empty and would scrape everything in its namespace.";
    SELECTOR_INVALID = "monocle::selector::invalid",
        "A label selector does not parse.";
    SELECTOR_MATCHES_NOTHING = "monocle::selector::matches_nothing",
        "(warning) A `clusters` selector matches no cluster.";
    SELECTOR_OUTSIDE_SERVICE = "monocle::selector::outside_service",
        "An alert's or SLO's `clusters` selects none of its service's clusters: the rule would exist nowhere.";
    SERVICES_INVALID_JOB_LABEL = "monocle::services::invalid_job_label",
        "An endpoint's `job_label` is not a valid Kubernetes label key.";
    SERVICES_INVALID_PARAMS = "monocle::services::invalid_params",
        "A scrape parameter has no name or no value.";
    SERVICES_INVALID_PATH = "monocle::services::invalid_path",
        "A scrape path does not start with `/`.";
    SERVICES_JOB_LABEL_CONFLICT = "monocle::services::job_label_conflict",
        "The endpoints of one service name different job labels.";
    SERVICES_INDISTINCT_ENDPOINTS = "monocle::services::indistinct_endpoints",
        "Two endpoints of one service scrape the same port and no relabeling tells their series apart: they get the same labels and Prometheus drops one of each pair of samples.";
    SERVICES_NO_ENDPOINTS = "monocle::services::no_endpoints",
        "A service has no endpoints.";
    SERVICES_BEARER_TOKEN_FILE = "monocle::services::bearer_token_file",
        "An endpoint's `bearer_token_file` is given with `bearer_token_secret`, or on a PodMonitor (which cannot read a file).";
    SERVICES_POD_TLS_FILE = "monocle::services::pod_tls_file",
        "A PodMonitor TLS file is not a key of a mounted Secret.";
    SERVICES_SCRAPE_TIMEOUT_TOO_LONG = "monocle::services::scrape_timeout_too_long",
        "A scrape timeout is longer than the scrape interval.";
    SLO_INVALID_OBJECTIVE = "monocle::slo::invalid_objective",
        "An SLO objective is not a percentage strictly between 0 and 100.";
    SLO_INVALID_SLI = "monocle::slo::invalid_sli",
        "An SLO does not have exactly one SLI kind.";
    SLO_MIN_EVENTS_WITHOUT_TOTAL = "monocle::slo::min_events_without_total",
        "An SLO with a `raw` SLI sets `min_events`, which needs a count of all events.";
    SLO_MISSING_WINDOW = "monocle::slo::missing_window",
        "An SLI query has no `{{window}}` (or `{{.window}}`) placeholder.";
    SLO_RESERVED_LABEL = "monocle::slo::reserved_label",
        "An SLO label or SLO alert label is named `sloth_*` (set by monocle, as by Sloth) or `__*`.";
    SLO_WINDOWS_DUPLICATE_PERIOD = "monocle::slo::windows_duplicate_period",
        "Two `slo_windows` entries are for the same period.";
    SLO_WINDOWS_INVALID_BUDGET = "monocle::slo::windows_invalid_budget",
        "A burn-rate condition's `budget_percent` is not over 0 and at most 100.";
    SLO_WINDOWS_LONG_OVER_PERIOD = "monocle::slo::windows_long_over_period",
        "A burn-rate condition's long window is longer than its SLO period.";
    SLO_WINDOWS_SHORT_NOT_BELOW_LONG = "monocle::slo::windows_short_not_below_long",
        "A burn-rate condition's short window is not shorter than its long window.";
    SPEC_DUPLICATE_SECTION = "monocle::spec::duplicate_section",
        "A single section (`prometheus`, `routing.route`, ...) is written in more than one file.";
    SPEC_NO_CLUSTERS = "monocle::spec::no_clusters",
        "The spec declares no clusters.";
    SPEC_UNSUPPORTED_VERSION = "monocle::spec::unsupported_version",
        "A file declares a language version other than 1.";
    UNITS_INVALID_DURATION = "monocle::units::invalid_duration",
        "A duration does not parse (with a did-you-mean for the unit).";
    UNITS_INVALID_QUANTITY = "monocle::units::invalid_quantity",
        "A Kubernetes quantity (CPU, memory, storage) is invalid.";
    UNITS_INVALID_SIZE = "monocle::units::invalid_size",
        "A byte size does not parse.";
    UNITS_ZERO_DURATION = "monocle::units::zero_duration",
        "An interval, timeout or window is zero.";
    YAML_DUPLICATE_KEY = "monocle::yaml::duplicate_key",
        "A YAML map has the same key twice.";
    YAML_LIMIT = "monocle::yaml::limit",
        "A YAML file is past a parser limit (nesting, nodes, aliases).";
    YAML_SYNTAX = "monocle::yaml::syntax",
        "The file is not valid YAML.";
}
