SELECT
  *
FROM (
  SELECT
    `t6`.`year`,
    COALESCE(`t12`.`n`, 0) AS `n`,
    `t12`.`agreement`
  FROM (
    SELECT DISTINCT
      `t0`.`year`
    FROM `my-project`.`dyadwatch`.`roll_calls` AS `t0`
    WHERE
      `t0`.`source` = 'unvotes' AND `t0`.`year` >= 1990 AND `t0`.`year` <= 2019
  ) AS `t6`
  LEFT OUTER JOIN (
    SELECT
      `t10`.`year`,
      COUNT(`t10`.`rcid`) AS `n`,
      AVG(CAST(`t10`.`vote_a` = `t10`.`vote_b` AS FLOAT64)) AS `agreement`
    FROM (
      SELECT
        `t8`.`rcid`,
        `t8`.`vote_a`,
        `t9`.`vote_b`,
        `t7`.`year`
      FROM (
        SELECT
          `t1`.`rcid`,
          `t1`.`vote` AS `vote_a`
        FROM `my-project`.`dyadwatch`.`votes` AS `t1`
        WHERE
          `t1`.`source` = 'unvotes' AND `t1`.`iso3` = 'CHN' AND `t1`.`vote` IN (1, 2, 3)
      ) AS `t8`
      INNER JOIN (
        SELECT
          `t1`.`rcid`,
          `t1`.`vote` AS `vote_b`
        FROM `my-project`.`dyadwatch`.`votes` AS `t1`
        WHERE
          `t1`.`source` = 'unvotes' AND `t1`.`iso3` = 'RUS' AND `t1`.`vote` IN (1, 2, 3)
      ) AS `t9`
        ON `t8`.`rcid` = `t9`.`rcid`
      INNER JOIN (
        SELECT
          `t0`.`rcid`,
          `t0`.`year`
        FROM `my-project`.`dyadwatch`.`roll_calls` AS `t0`
        WHERE
          `t0`.`source` = 'unvotes' AND `t0`.`year` >= 1990 AND `t0`.`year` <= 2019
      ) AS `t7`
        ON `t8`.`rcid` = `t7`.`rcid`
    ) AS `t10`
    GROUP BY
      1
  ) AS `t12`
    ON `t6`.`year` = `t12`.`year`
) AS `t13`
ORDER BY
  `t13`.`year` ASC NULLS LAST
