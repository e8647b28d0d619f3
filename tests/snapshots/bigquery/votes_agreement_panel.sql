SELECT
  *
FROM (
  SELECT
    `t18`.`iso3_a`,
    `t18`.`iso3_b`,
    `t11`.`year`,
    COALESCE(`t20`.`n`, 0) AS `n`,
    `t20`.`agreement`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t7`.`iso3_a`,
        `t8`.`iso3_b`
      FROM (
        SELECT
          `t1`.`iso3` AS `iso3_a`
        FROM `memtable_0` AS `t1`
      ) AS `t7`
      CROSS JOIN (
        SELECT
          `t1`.`iso3` AS `iso3_b`
        FROM `memtable_0` AS `t1`
      ) AS `t8`
    ) AS `t15`
    WHERE
      `t15`.`iso3_a` < `t15`.`iso3_b`
  ) AS `t18`
  CROSS JOIN (
    SELECT DISTINCT
      `t0`.`year`
    FROM `my-project`.`dyadwatch`.`roll_calls` AS `t0`
    WHERE
      `t0`.`source` = 'unvotes'
  ) AS `t11`
  LEFT OUTER JOIN (
    SELECT
      `t17`.`iso3_a`,
      `t17`.`iso3_b`,
      `t17`.`year`,
      COUNT(`t17`.`rcid`) AS `n`,
      AVG(CAST(`t17`.`vote_a` = `t17`.`vote_b` AS FLOAT64)) AS `agreement`
    FROM (
      SELECT
        `t13`.`rcid`,
        `t13`.`iso3_a`,
        `t13`.`vote_a`,
        `t14`.`rcid` AS `rcid_right`,
        `t14`.`iso3_b`,
        `t14`.`vote_b`,
        `t12`.`year`
      FROM (
        SELECT
          `t2`.`rcid`,
          `t2`.`iso3` AS `iso3_a`,
          `t2`.`vote` AS `vote_a`
        FROM `my-project`.`dyadwatch`.`votes` AS `t2`
        WHERE
          `t2`.`source` = 'unvotes'
          AND `t2`.`iso3` IN ('CHN', 'RUS', 'USA')
          AND `t2`.`vote` IN (1, 2, 3)
      ) AS `t13`
      INNER JOIN (
        SELECT
          `t2`.`rcid`,
          `t2`.`iso3` AS `iso3_b`,
          `t2`.`vote` AS `vote_b`
        FROM `my-project`.`dyadwatch`.`votes` AS `t2`
        WHERE
          `t2`.`source` = 'unvotes'
          AND `t2`.`iso3` IN ('CHN', 'RUS', 'USA')
          AND `t2`.`vote` IN (1, 2, 3)
      ) AS `t14`
        ON `t13`.`rcid` = `t14`.`rcid` AND `t13`.`iso3_a` < `t14`.`iso3_b`
      INNER JOIN (
        SELECT
          `t0`.`rcid`,
          `t0`.`year`
        FROM `my-project`.`dyadwatch`.`roll_calls` AS `t0`
        WHERE
          `t0`.`source` = 'unvotes'
      ) AS `t12`
        ON `t13`.`rcid` = `t12`.`rcid`
    ) AS `t17`
    GROUP BY
      1,
      2,
      3
  ) AS `t20`
    ON `t18`.`iso3_a` = `t20`.`iso3_a`
    AND `t18`.`iso3_b` = `t20`.`iso3_b`
    AND `t11`.`year` = `t20`.`year`
) AS `t21`
ORDER BY
  `t21`.`iso3_a` ASC NULLS LAST,
  `t21`.`iso3_b` ASC NULLS LAST,
  `t21`.`year` ASC NULLS LAST
