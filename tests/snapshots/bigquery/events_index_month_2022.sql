SELECT
  `t1`.`p`,
  `t1`.`actor_a`,
  `t1`.`actor_b`,
  COUNT(*) AS `events`,
  SUM(`t1`.`goldstein`) AS `g_sum`,
  SUM(`t1`.`goldstein` * `t1`.`mentions`) AS `g_w_sum`,
  SUM(`t1`.`mentions`) AS `mentions`,
  SUM(CAST(`t1`.`quad_class` = 1 AS INT64)) AS `q1`,
  SUM(CAST(`t1`.`quad_class` = 2 AS INT64)) AS `q2`,
  SUM(CAST(`t1`.`quad_class` = 3 AS INT64)) AS `q3`,
  SUM(CAST(`t1`.`quad_class` = 4 AS INT64)) AS `q4`,
  SUM(`t1`.`avg_tone`) AS `tone_sum`
FROM (
  SELECT
    `t0`.`source`,
    `t0`.`event_id`,
    `t0`.`date`,
    `t0`.`actor_a`,
    `t0`.`actor_b`,
    `t0`.`cameo`,
    `t0`.`root_code`,
    `t0`.`is_root`,
    `t0`.`quad_class`,
    `t0`.`goldstein`,
    `t0`.`mentions`,
    `t0`.`sources`,
    `t0`.`articles`,
    `t0`.`avg_tone`,
    `t0`.`file`,
    DATE_TRUNC(`t0`.`date`, MONTH) AS `p`
  FROM `my-project`.`dyadwatch`.`events` AS `t0`
  WHERE
    `t0`.`date` >= DATE(2022, 1, 1)
    AND `t0`.`date` <= DATE(2022, 12, 31)
    AND `t0`.`actor_a` IS NOT NULL
    AND `t0`.`actor_b` IS NOT NULL
) AS `t1`
GROUP BY
  1,
  2,
  3
