SELECT
  `t8`.`year`,
  SUM(CAST((
    `t8`.`vote_a` = 1
  ) AND (
    `t8`.`vote_b` = 1
  ) AS INT64)) AS `c11`,
  SUM(CAST((
    `t8`.`vote_a` = 1
  ) AND (
    `t8`.`vote_b` = 2
  ) AS INT64)) AS `c12`,
  SUM(CAST((
    `t8`.`vote_a` = 1
  ) AND (
    `t8`.`vote_b` = 3
  ) AS INT64)) AS `c13`,
  SUM(CAST((
    `t8`.`vote_a` = 2
  ) AND (
    `t8`.`vote_b` = 1
  ) AS INT64)) AS `c21`,
  SUM(CAST((
    `t8`.`vote_a` = 2
  ) AND (
    `t8`.`vote_b` = 2
  ) AS INT64)) AS `c22`,
  SUM(CAST((
    `t8`.`vote_a` = 2
  ) AND (
    `t8`.`vote_b` = 3
  ) AS INT64)) AS `c23`,
  SUM(CAST((
    `t8`.`vote_a` = 3
  ) AND (
    `t8`.`vote_b` = 1
  ) AS INT64)) AS `c31`,
  SUM(CAST((
    `t8`.`vote_a` = 3
  ) AND (
    `t8`.`vote_b` = 2
  ) AS INT64)) AS `c32`,
  SUM(CAST((
    `t8`.`vote_a` = 3
  ) AND (
    `t8`.`vote_b` = 3
  ) AS INT64)) AS `c33`
FROM (
  SELECT
    `t5`.`rcid`,
    `t5`.`vote_a`,
    `t6`.`vote_b`,
    `t7`.`year`
  FROM (
    SELECT
      `t0`.`rcid`,
      `t0`.`vote` AS `vote_a`
    FROM `my-project`.`dyadwatch`.`votes` AS `t0`
    WHERE
      `t0`.`source` = 'unvotes' AND `t0`.`iso3` = 'CHN' AND `t0`.`vote` IN (1, 2, 3)
  ) AS `t5`
  INNER JOIN (
    SELECT
      `t0`.`rcid`,
      `t0`.`vote` AS `vote_b`
    FROM `my-project`.`dyadwatch`.`votes` AS `t0`
    WHERE
      `t0`.`source` = 'unvotes' AND `t0`.`iso3` = 'RUS' AND `t0`.`vote` IN (1, 2, 3)
  ) AS `t6`
    ON `t5`.`rcid` = `t6`.`rcid`
  INNER JOIN (
    SELECT
      `t1`.`rcid`,
      `t1`.`year`
    FROM `my-project`.`dyadwatch`.`roll_calls` AS `t1`
    WHERE
      `t1`.`source` = 'unvotes'
      AND `t1`.`issue_nu`
      AND COALESCE(`t1`.`important`, FALSE)
  ) AS `t7`
    ON `t5`.`rcid` = `t7`.`rcid`
) AS `t8`
GROUP BY
  1
