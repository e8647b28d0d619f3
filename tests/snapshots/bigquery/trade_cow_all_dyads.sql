WITH `t7` AS (
  SELECT
    `t4`.`iso3`,
    `t4`.`year`,
    MAX(`t4`.`imports` + `t4`.`exports`) AS `total`
  FROM (
    SELECT
      *
    FROM `my-project`.`dyadwatch`.`trade_state_year` AS `t1`
    WHERE
      `t1`.`source` = 'cow_trade'
  ) AS `t4`
  GROUP BY
    1,
    2
)
SELECT
  `t17`.`a`,
  `t17`.`b`,
  `t17`.`year`,
  `t17`.`exports` AS `exports_a_to_b`,
  `t17`.`imports` AS `imports_a_from_b`,
  `t17`.`turnover`,
  `t17`.`share_of_a_trade`,
  `t17`.`share_of_b_trade`,
  `t17`.`asymmetry`,
  `t17`.`rank`,
  `t17`.`n_partners`
FROM (
  SELECT
    `t16`.`a`,
    `t16`.`b`,
    `t16`.`year`,
    `t16`.`imports`,
    `t16`.`exports`,
    `t16`.`turnover`,
    `t16`.`total_a`,
    `t16`.`total_b`,
    `t16`.`share_of_a_trade`,
    `t16`.`share_of_b_trade`,
    `t16`.`asymmetry`,
    IF(
      `t16`.`turnover` IS NOT NULL,
      CAST((
        RANK() OVER (PARTITION BY `t16`.`a`, `t16`.`year` ORDER BY `t16`.`turnover` DESC) - 1
      ) + 1 AS INT64),
      NULL
    ) AS `rank`,
    COUNT(`t16`.`turnover`) OVER (
      PARTITION BY `t16`.`a`, `t16`.`year`
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS `n_partners`
  FROM (
    SELECT
      `t15`.`a`,
      `t15`.`b`,
      `t15`.`year`,
      `t15`.`imports`,
      `t15`.`exports`,
      `t15`.`turnover`,
      `t15`.`total_a`,
      `t15`.`total_b`,
      `t15`.`share_of_a_trade`,
      `t15`.`share_of_b_trade`,
      IF(
        `t15`.`share_of_a_trade` > 0,
        ieee_divide(`t15`.`share_of_b_trade`, `t15`.`share_of_a_trade`),
        NULL
      ) AS `asymmetry`
    FROM (
      SELECT
        `t14`.`a`,
        `t14`.`b`,
        `t14`.`year`,
        `t14`.`imports`,
        `t14`.`exports`,
        `t14`.`turnover`,
        `t14`.`total_a`,
        `t14`.`total_b`,
        IF(`t14`.`total_a` > 0, ieee_divide(`t14`.`turnover`, `t14`.`total_a`), NULL) AS `share_of_a_trade`,
        IF(`t14`.`total_b` > 0, ieee_divide(`t14`.`turnover`, `t14`.`total_b`), NULL) AS `share_of_b_trade`
      FROM (
        SELECT
          `t8`.`a`,
          `t8`.`b`,
          `t8`.`year`,
          `t8`.`imports`,
          `t8`.`exports`,
          `t8`.`turnover`,
          `t12`.`total_a`,
          `t13`.`total_b`
        FROM (
          SELECT
            `t5`.`a`,
            `t5`.`b`,
            `t5`.`year`,
            `t5`.`imports`,
            `t5`.`exports`,
            `t5`.`imports` + `t5`.`exports` AS `turnover`
          FROM (
            SELECT
              *
            FROM (
              SELECT
                `t0`.`iso3_a` AS `a`,
                `t0`.`iso3_b` AS `b`,
                `t0`.`year`,
                `t0`.`flow1` AS `imports`,
                `t0`.`flow2` AS `exports`
              FROM `my-project`.`dyadwatch`.`trade_dyad_year` AS `t0`
              WHERE
                `t0`.`source` = 'cow_trade'
            ) AS `t2`
            UNION ALL
            SELECT
              *
            FROM (
              SELECT
                `t0`.`iso3_b` AS `a`,
                `t0`.`iso3_a` AS `b`,
                `t0`.`year`,
                `t0`.`flow2` AS `imports`,
                `t0`.`flow1` AS `exports`
              FROM `my-project`.`dyadwatch`.`trade_dyad_year` AS `t0`
              WHERE
                `t0`.`source` = 'cow_trade'
            ) AS `t3`
          ) AS `t5`
          WHERE
            `t5`.`year` >= 2000 AND `t5`.`year` <= 2014
        ) AS `t8`
        LEFT OUTER JOIN (
          SELECT
            `t9`.`iso3` AS `a`,
            `t9`.`year`,
            `t9`.`total` AS `total_a`
          FROM `t7` AS `t9`
        ) AS `t12`
          ON `t8`.`a` = `t12`.`a` AND `t8`.`year` = `t12`.`year`
        LEFT OUTER JOIN (
          SELECT
            `t9`.`iso3` AS `b`,
            `t9`.`year`,
            `t9`.`total` AS `total_b`
          FROM `t7` AS `t9`
        ) AS `t13`
          ON `t8`.`b` = `t13`.`b` AND `t8`.`year` = `t13`.`year`
      ) AS `t14`
    ) AS `t15`
  ) AS `t16`
) AS `t17`
