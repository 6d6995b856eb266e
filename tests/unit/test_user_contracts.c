/* User-declared contracts ([tool.logitlint.contracts] / [contracts]): what they declare is read,
 * malformed rows are configuration errors with file:line:col (exit 2), and a finding fires only
 * through a declared row (tests/data/contracts: the same files stay silent with --isolated). */
#include "tempdir.h"

#include "config.h"
#include "harness.h"

static ConfigStatus parse(const char *name, const char *text, Config *cfg, char *err) {
    return config_parse(cfg, name, text, strlen(text), false, err, 600);
}

START_TEST(declarations_are_read_in_both_files) {
    Config cfg;
    char err[600] = "";
    ck_assert_int_eq(
        parse("pyproject.toml",
              "[tool.logitlint.contracts]\n"
              "\"mypkg.lm.score\" = \"logits\"\n"
              "\"utils.lp\" = { returns = \"logprobs\", axes = [\"batch\", \"pos\"] }\n",
              &cfg, err),
        CONFIG_OK);
    ck_assert_uint_eq(cfg.contracts.len, 2);
    ck_assert_str_eq(cfg.contracts.items[0].qual, "mypkg.lm.score");
    ck_assert_int_eq(cfg.contracts.items[0].returns, RET_LOGITS);
    ck_assert_int_eq(cfg.contracts.items[0].naxes, -1);
    ck_assert_int_eq(cfg.contracts.items[1].returns, RET_LOGPROBS);
    ck_assert_int_eq(cfg.contracts.items[1].naxes, 2);
    ck_assert_int_eq(cfg.contracts.items[1].axes[1], CAX_POS);
    ck_assert_ptr_eq(contracts_user_find(&cfg.contracts, "utils.lp"), &cfg.contracts.items[1]);
    ck_assert_ptr_null(contracts_user_find(&cfg.contracts, "utils.lpx"));
    config_free(&cfg);
    ck_assert_int_eq(parse("logitlint.toml",
                           "[contracts]\n\"mypkg.Scorer.forward\" = \"nll\"\n"
                           "\"accelerate.Accelerator.unwrap_model\" = \"identity\"\n",
                           &cfg, err),
                     CONFIG_OK);
    ck_assert_uint_eq(cfg.contracts.len, 2);
    ck_assert(contracts_user_class(&cfg.contracts, "mypkg.Scorer"));
    ck_assert(!contracts_user_class(&cfg.contracts, "mypkg"));
    ck_assert_ptr_eq(contracts_user_find(&cfg.contracts, "mypkg.Scorer().forward"),
                     &cfg.contracts.items[0]);
    config_free(&cfg);
    ck_assert_int_eq(
        parse("logitlint.toml", "contracts = { \"a.b\" = \"token-ids\" }\n", &cfg, err), CONFIG_OK);
    ck_assert_int_eq(cfg.contracts.items[0].returns, RET_IDS);
    config_free(&cfg);
}
END_TEST

static void rejects(const char *text, const char *message) {
    Config cfg;
    char err[600] = "";
    ck_assert_int_eq(parse("pyproject.toml", text, &cfg, err), CONFIG_ERROR);
    ck_assert_msg(strstr(err, message), "expected '%s', got: %s", message, err);
    config_free(&cfg);
}

START_TEST(malformed_rows_are_errors_with_positions) {
    rejects("[tool.logitlint.contracts]\n\"a.f\" = \"raw\"\n",
            "pyproject.toml:2:9: unknown kind 'raw' in the contract of 'a.f' (expected one of: "
            "logits, logprobs, probs, nll, token-ids, mask, model, tokenizer, identity)");
    rejects("[tool.logitlint.contracts]\n\"a.f\" = { returns = \"logits\", axes = [\"time\"] }\n",
            "pyproject.toml:2:39: unknown axis in 'axes' of 'a.f'");
    rejects("[tool.logitlint.contracts]\n\"a.f\" = { axes = [\"pos\"] }\n",
            "pyproject.toml:2:9: the contract of 'a.f' has no 'returns'");
    rejects("[tool.logitlint.contracts]\n\"a.f\" = { returns = \"logits\", dim = 1 }\n",
            "pyproject.toml:2:31: unknown key in the contract of 'a.f'");
    rejects("[tool.logitlint.contracts]\n\"a.f\" = 3\n",
            "pyproject.toml:2:9: the contract of 'a.f' must be a kind");
    rejects("[tool.logitlint.contracts]\n\"a.\" = \"logits\"\n",
            "pyproject.toml:2:1: a contract's key must be a qualified name");
    rejects("[tool.logitlint.contracts]\n\"a.m\" = { returns = \"model\", axes = [\"pos\"] }\n",
            "'axes' of 'a.m': a model has no axes");
    rejects("[tool.logitlint]\ncontracts = [\"a.f\"]\n",
            "pyproject.toml:2:13: 'contracts' must be a table of callee = kind");
}
END_TEST

/* tests/data/contracts/pyproject.toml declares the wrappers its files call. */
START_TEST(findings_fire_only_through_declared_rows) {
    const char *dir = TEST_DATA_DIR "/contracts";
    const char *argv[] = {"check", "--no-verify", "--output-format", "concise", ".", NULL};
    CliRun r = harness_run(argv, NULL, dir);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "fire_declared.py:9:12: LL101") &&
                      strstr(r.out, "fire_declared.py:16:12: LL101"),
                  "got: %s", r.out);
    ck_assert_msg(!strstr(r.out, "trap_declared.py"), "got: %s", r.out);
    harness_run_free(&r);
    const char *isolated[] = {"check", "--isolated", "--no-verify", ".", NULL};
    r = harness_run(isolated, NULL, dir);
    ck_assert_int_eq(r.status, 0); /* the same code, no declarations: nothing known */
    harness_run_free(&r);
}
END_TEST

START_TEST(cli_bad_declaration_exits_2) {
    char *dir = tmp_dir();
    tmp_write(dir, "logitlint.toml", "[contracts]\n\"mypkg.score\" = \"logit\"\n");
    tmp_write(dir, "a.py", "x = 1\n");
    const char *argv[] = {"check", "a.py", NULL};
    CliRun r = harness_run(argv, NULL, dir);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "logitlint.toml:2:17: unknown kind 'logit'"), "got: %s", r.err);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

int main(void) {
    Suite *s = suite_create("user_contracts");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, declarations_are_read_in_both_files);
    tcase_add_test(tc, malformed_rows_are_errors_with_positions);
    tcase_add_test(tc, findings_fire_only_through_declared_rows);
    tcase_add_test(tc, cli_bad_declaration_exits_2);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
